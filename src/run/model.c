#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/extras.h"
#include "config/names.h"
#include "config/roles.h"
#include "pki/pki.h"
#include "run/model.h"
#include "util/diag.h"
#include "util/fs.h"
#include "util/state-dir.h"
#include "util/xalloc.h"
#include "util/banned.h"

void model_request_release(struct model_request *mr)
{
	vault_password_source_release(&mr->pw);
}

int model_parse_vault_option(struct model_request *mr, int c, const char *arg, int *bad,
			     struct strbuf *err)
{
	switch (c) {
	case 0x100:
		mr->vault_path = arg;
		return 1;
	case 0x101:
		vault_password_source_add_file(&mr->pw, arg);
		return 1;
	case 0x102:
		if (vault_password_source_add_id(&mr->pw, arg, err) < 0)
			*bad = 1;
		return 1;
	case 0x103:
		mr->pw.ask = 1;
		return 1;
	}
	return 0;
}

/* The directory of `path` ("." when it has none), malloc'ed. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

enum model_status model_settings_source(const struct model_inputs *in, int *use_defaults,
					struct diag_list *dl)
{
	int named = in->config_given || strcmp(in->config, SETTINGS_FILE) != 0;

	*use_defaults = 0;
	if (path_exists(in->config))
		return MODEL_OK;
	if (named) {
		diag_error(dl, NULL, 0, 0, "check the path given with -c, or write one with "
			   "'kcfg init'", "cannot read '%s': no such file", in->config);
		return MODEL_FAILED;
	}
	*use_defaults = 1;
	return MODEL_OK;
}

static int load_settings(struct model *m, const struct model_inputs *in, int use_defaults,
			 struct diag_list *dl)
{
	if (use_defaults)
		settings_init_defaults(&m->settings);
	else if (settings_load_file(&m->settings, in->config, dl) < 0)
		return -1;
	m->loaded_settings = 1;
	return 0;
}

/* Each host's groups ('all' first, then as the inventory resolves them). */
static void build_groups(struct model *m)
{
	size_t total = 0, at = 0;

	for (size_t i = 0; i < m->nr_hosts; i++)
		total += 1 + m->inv.host[m->role_hosts.h[i].index].nr_closure;
	m->group_names = xcalloc(total ? total : 1, sizeof(*m->group_names));
	for (size_t i = 0; i < m->nr_hosts; i++) {
		const struct inv_host *ih = &m->inv.host[m->role_hosts.h[i].index];

		m->hosts[i].groups = m->group_names + at;
		m->group_names[at++] = m->inv.group[INV_ALL].name;
		for (size_t g = 0; g < ih->nr_closure; g++)
			m->group_names[at++] = m->inv.group[ih->closure[g]].name;
		m->hosts[i].nr_groups = 1 + ih->nr_closure;
	}
}

static void build_hosts(struct model *m)
{
	struct strbuf netif = STRBUF_INIT;

	role_hosts(&m->inv, ROLE_ALL, &m->role_hosts);
	m->nr_hosts = m->role_hosts.nr;
	m->hosts = xcalloc(m->nr_hosts ? m->nr_hosts : 1, sizeof(*m->hosts));
	m->facts = xcalloc(m->nr_hosts ? m->nr_hosts : 1, sizeof(*m->facts));
	m->have_facts = xcalloc(m->nr_hosts ? m->nr_hosts : 1, sizeof(*m->have_facts));
	for (size_t i = 0; i < m->nr_hosts; i++) {
		const struct role_host *rh = &m->role_hosts.h[i];
		const struct inv_var *v = inventory_host_var(&m->inv, rh->index, "roce_netif");
		struct comp_host *h = &m->hosts[i];

		h->name = rh->name;
		h->address = rh->address;
		h->roce_address = rh->roce_host;
		h->roles = rh->roles;
		if (v) {
			strbuf_reset(&netif);
			value_str(v->val, &netif);
			h->roce_netif = strvec_push(&m->strings, netif.buf);
		} else if (*m->settings.cluster.roce_netif)
			h->roce_netif = m->settings.cluster.roce_netif;
		/* checked by model_check (config/roles.c): a label value on a GPU worker */
		v = inventory_host_var(&m->inv, rh->index, "mig_config");
		if (v && v->val->type == VAL_STR && names_label_value_ok(v->val->u.str.s) &&
		    (rh->roles & ROLE_GPU))
			h->mig_config = strvec_push(&m->strings, v->val->u.str.s);
	}
	strbuf_release(&netif);
	build_groups(m);
}

static int load_facts(struct model *m, const char *dir, struct diag_list *dl)
{
	struct strbuf err = STRBUF_INIT, missing = STRBUF_INIT;
	int bad = 0;

	for (size_t i = 0; i < m->nr_hosts; i++) {
		char *path;

		/* the name becomes a file name: it must not lead out of `dir` */
		if (!fs_name_ok(m->hosts[i].name)) {
			diag_error(dl, NULL, 0, 0,
				   "name the host with letters, digits, '-' and '.' in inventory.ini",
				   "host '%s' cannot have facts in '%s': its name is no file name",
				   m->hosts[i].name, dir);
			bad = 1;
			continue;
		}
		path = xstrfmt("%s/%s.json", dir, m->hosts[i].name);
		if (!path_exists(path)) {
			strbuf_addf(&missing, "%s'%s'", missing.len ? ", " : "", m->hosts[i].name);
		} else if (facts_load_file(path, &m->facts[i], &err) < 0) {
			diag_error(dl, NULL, 0, 0, NULL, "%s", err.buf);
			strbuf_reset(&err);
			bad = 1;
		} else {
			m->have_facts[i] = 1;
			m->hosts[i].facts = &m->facts[i];
		}
		free(path);
	}
	if (missing.len) {
		diag_error(dl, NULL, 0, 0, "gather them with 'kcfg facts', or write "
			   "DIR/<host>.json as docs/facts.md describes",
			   "no facts in '%s' for %s", dir, missing.buf);
		bad = 1;
	}
	strbuf_release(&err);
	strbuf_release(&missing);
	return bad ? -1 : 0;
}

enum model_status model_load_secrets(const char *path, const struct vault_password_source *pw,
				     struct vault_keyring *kr, struct cluster_secrets *out,
				     struct diag_list *dl)
{
	struct strbuf err = STRBUF_INIT, data = STRBUF_INIT, hint = STRBUF_INIT;
	struct secret plain = SECRET_INIT;
	enum model_status ret = MODEL_OK;
	size_t errors = dl->errors;
	int rc;

	if (!path_exists(path)) {
		strbuf_addf(&hint, "create it with 'kcfg init' and encrypt it with 'kcfg vault "
			    "encrypt %s', or name another with --vault FILE", path);
		diag_error(dl, NULL, 0, 0, hint.buf, "cannot read vault '%s': %s", path,
			   strerror(ENOENT));
		ret = MODEL_INVALID;
		goto out;
	}
	/* the password is needed for the PKI keys even when the file is plain */
	if (vault_password_load(pw, VAULT_PASSWORD_DECRYPT, kr, &err) < 0) {
		diag_error(dl, NULL, 0, 0, NULL, "%s", err.buf);
		ret = MODEL_FAILED;
		goto out;
	}
	if (strbuf_read_file(&data, path, VAULT_MAX_FILE) < 0) {
		diag_error(dl, NULL, 0, 0, NULL, "cannot read vault '%s': %s", path,
			   strerror(errno));
		ret = MODEL_FAILED;
		goto out;
	}
	if (vault_is_encrypted(data.buf, data.len)) {
		char *shown = xstrfmt("'%s'", path);	/* vault_decrypt's name is shown as is */
		rc = vault_decrypt(data.buf, data.len, shown, kr, &plain, NULL, &err);
		free(shown);
		if (rc < 0) {
			diag_error(dl, NULL, 0, 0, NULL, "%s", err.buf);
			ret = MODEL_FAILED;
			goto out;
		}
		rc = cluster_secrets_parse((const char *)plain.buf, plain.len, path, 1,
					   kr, out, dl, &err);
	} else
		rc = cluster_secrets_parse(data.buf, data.len, path, 0, kr, out, dl, &err);
	if (rc < 0) {
		ret = dl->errors > errors ? MODEL_INVALID : MODEL_FAILED;
		if (err.len)
			diag_error(dl, NULL, 0, 0, NULL, "%s", err.buf);
	}
out:
	secret_release(&plain);
	secret_wipe(data.buf, data.len);	/* a plain vault.yaml holds secrets too */
	strbuf_release(&data);
	strbuf_release(&err);
	strbuf_release(&hint);
	return ret;
}

char *model_state_dir(const char *inventory)
{
	char *dir = dir_of(inventory), *path;

	path = !strcmp(dir, ".") ? xstrdup(".kcfg") : xstrfmt("%s/.kcfg", dir);
	free(dir);
	return path;
}

char *model_default_vault_path(const char *inventory)
{
	char *dir = dir_of(inventory);
	char *path = xstrfmt("%s/vault.yaml", dir);

	free(dir);
	return path;
}

/* A DNS name as certificates hold it: lowercase, without the final '.' (malloc'ed). */
static char *dns_name_of(const char *address)
{
	size_t len = strlen(address);
	char *name;

	if (len > 1 && address[len - 1] == '.')
		len--;
	name = xstrndup(address, len);
	for (char *p = name; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return name;
}

static enum model_status load_pki(struct model *m, struct diag_list *dl, struct strbuf *notes)
{
	const struct comp_host *reg = comp_first_host(&m->ctx, COMP_ROLE_REGISTRY);
	const struct settings *s = &m->settings;
	struct strbuf err = STRBUF_INIT, path = STRBUF_INIT, key = STRBUF_INIT;
	char *short_name = xstrndup(s->registry.name, strcspn(s->registry.name, "."));
	char *reg_name = reg && !names_ip_ok(reg->address) ? dns_name_of(reg->address) : NULL;
	const char *dns[4] = { short_name, s->registry.name, NULL, NULL };
	const char *ips[2] = { reg && !reg_name ? reg->address : NULL, NULL };
	const struct secret *pw = m->keyring.nr ? &m->keyring.keys[0].password : NULL;
	struct pki_request req;
	struct pki_result res;
	enum model_status ret = MODEL_FAILED;

	if (!pw || !pw->len) {
		diag_error(dl, NULL, 0, 0, "give it with --vault-password-file FILE or "
			   "$KCFG_VAULT_PASSWORD_FILE", "the registry's CA key is kept encrypted "
			   "with the vault password, and none was given");
		goto out;
	}
	if (!strcmp(short_name, s->registry.name))
		dns[1] = NULL;
	/* an ansible_host that is a DNS name is how clients may name the registry too */
	if (reg_name && strcmp(reg_name, short_name) && strcmp(reg_name, s->registry.name))
		dns[dns[1] ? 2 : 1] = reg_name;
	memset(&req, 0, sizeof(req));
	strbuf_addf(&path, "%s/pki", m->state_dir);
	req.dir = path.buf;
	req.cn = s->registry.name;
	req.dns_names = dns;
	req.ip_addrs = ips[0] ? ips : NULL;
	req.subject = s->registry.cert_subject;
	req.ca_name = "kcfg registry CA";
	req.ca_days = (int)s->registry.cert_days;
	/* TLS clients refuse server certificates valid for more than 825 days */
	req.cert_days = s->registry.cert_days < 825 ? (int)s->registry.cert_days : 825;
	req.password = (const char *)pw->buf;
	req.password_len = pw->len;
	if (state_dir_check(path.buf, 1, &err) < 0 || pki_ensure(&req, &res, &err) < 0) {
		diag_error(dl, NULL, 0, 0, NULL, "%s", err.buf);
		goto out;
	}
	if (res.ca_created)
		strbuf_addf(notes, "made a new registry CA in %s\n", path.buf);
	else if (res.cert_issued)
		strbuf_addf(notes, "issued a new registry certificate: %s\n", res.reason);
	if (res.keys_upgraded)
		strbuf_addf(notes, "re-encrypted %d key%s in %s with a stronger KDF\n",
			    res.keys_upgraded, res.keys_upgraded == 1 ? "" : "s", path.buf);
	pki_result_release(&res);

	strbuf_reset(&err);
	strbuf_addf(&key, "%s/ca.crt", path.buf);
	if (strbuf_read_file(&m->ca_pem, key.buf, 1 << 16) < 0)
		goto io;
	strbuf_reset(&key);
	strbuf_addf(&key, "%s/server.crt", path.buf);
	if (strbuf_read_file(&m->cert_pem, key.buf, 1 << 16) < 0)
		goto io;
	strbuf_reset(&key);
	strbuf_addf(&key, "%s/server.key", path.buf);
	{
		struct strbuf pem = STRBUF_INIT;
		if (pki_read_key_pem(key.buf, req.password, req.password_len, &pem, &err) < 0) {
			diag_error(dl, NULL, 0, 0, NULL, "%s", err.buf);
			strbuf_release(&pem);
			goto out;
		}
		secret_add(&m->key_pem, pem.buf, pem.len);
		secret_wipe(pem.buf, pem.len);
		strbuf_release(&pem);
	}
	m->ctx.registry_ca_pem = m->ca_pem.buf;
	m->ctx.registry_cert_pem = m->cert_pem.buf;
	m->ctx.registry_key_pem = (const char *)m->key_pem.buf;
	ret = MODEL_OK;
	goto out;
io:
	diag_error(dl, NULL, 0, 0, NULL, "cannot read '%s': %s", key.buf, strerror(errno));
out:
	free(short_name);
	free(reg_name);
	strbuf_release(&err);
	strbuf_release(&path);
	strbuf_release(&key);
	return ret;
}

char *model_state_subdir(const struct model *m, const char *sub, struct strbuf *err)
{
	char *path = xstrfmt("%s/%s", m->state_dir, sub);

	if (state_dir_check(path, 1, err) < 0) {
		free(path);
		return NULL;
	}
	return path;
}

int model_lock_state(const char *dir, const struct model_inputs *in, struct state_lock *lk,
		     struct diag_list *dl)
{
	struct strbuf err = STRBUF_INIT;
	int rc = state_lock_take(lk, dir, in->command, 0, &err);

	if (rc == STATE_LOCK_BUSY && in->wait_lock) {
		if (in->waiting)
			in->waiting(err.buf);
		strbuf_reset(&err);
		rc = state_lock_take(lk, dir, in->command, 1, &err);
	}
	if (rc == STATE_LOCK_BUSY) {
		struct strbuf hint = STRBUF_INIT;

		strbuf_addf(&hint, "wait for it to finish, or give 'kcfg --wait-lock %s ...' "
			    "to wait for it", in->command);
		diag_error(dl, NULL, 0, 0, hint.buf, "%s", err.buf);
		strbuf_release(&hint);
	} else if (rc < 0)
		diag_error(dl, NULL, 0, 0, NULL, "%s", err.buf);
	strbuf_release(&err);
	return rc ? -1 : 0;
}

/*
 * One kcfg at a time changes the state directory: two first renders at
 * once would each make a CA and keep a mix of the two.
 */
static int lock_state(struct model *m, const struct model_inputs *in, unsigned need,
		      struct diag_list *dl)
{
	struct strbuf err = STRBUF_INIT;
	int rc = state_dir_check(m->state_dir, !(need & MODEL_READ_ONLY), &err);

	if (rc < 0)
		diag_error(dl, NULL, 0, 0, NULL, "%s", err.buf);
	strbuf_release(&err);
	if (rc < 0)
		return -1;
	/* reading needs no lock, and a missing directory has nothing to read */
	if (need & MODEL_READ_ONLY)
		return 0;
	return model_lock_state(m->state_dir, in, &m->lock, dl);
}

enum model_status model_load(struct model *m, const struct model_inputs *in,
			     const struct model_request *mr, struct diag_list *dl,
			     struct strbuf *notes)
{
	struct strbuf err = STRBUF_INIT;
	struct model_opts checks;
	enum model_status ret = MODEL_OK;
	int rc, use_defaults;

	memset(m, 0, sizeof(*m));
	m->lock.fd = -1;
	strbuf_init(&m->ca_pem, 0);
	strbuf_init(&m->cert_pem, 0);
	secret_init(&m->key_pem);
	inventory_init(&m->inv, in->inventory);
	m->state_dir = mr->state_dir ? xstrdup(mr->state_dir)
				     : model_state_dir(in->inventory);
	m->cache_dir = xstrfmt("%s/cache", m->state_dir);

	ret = model_settings_source(in, &use_defaults, dl);
	if (ret != MODEL_OK)
		goto out;
	/* every problem of every file, in one report */
	rc = inventory_load(&m->inv, in->inventory, dl, &err);
	if (rc < 0) {
		diag_error(dl, NULL, 0, 0, path_exists(in->inventory) ? NULL :
			   "write one with 'kcfg init', or name it with -i FILE", "%s", err.buf);
		ret = MODEL_INVALID;
		goto out;
	}
	m->loaded_inventory = !rc;
	rc = load_settings(m, in, use_defaults, dl);
	if (m->loaded_inventory && m->loaded_settings) {
		memset(&checks, 0, sizeof(checks));
		checks.rdma_enabled = m->settings.cluster.rdma;
		model_check(&m->inv, &checks, dl);
		extras_check_groups(&m->settings.extras, m->settings.file ? m->settings.file
					    : in->config, &m->inv, dl);
	}
	if (dl->errors) {
		ret = MODEL_INVALID;
		goto out;
	}
	if (lock_state(m, in, mr->need, dl) != 0) {
		ret = MODEL_FAILED;
		goto out;
	}
	build_hosts(m);
	m->ctx.settings = &m->settings;
	m->ctx.hosts = m->hosts;
	m->ctx.nr_hosts = m->nr_hosts;
	m->ctx.cache_dir = m->cache_dir;

	if (mr->need & MODEL_FACTS) {
		/* by default where `kcfg facts` caches them */
		char *dir = mr->facts_dir ? xstrdup(mr->facts_dir)
					  : xstrfmt("%s/facts", m->state_dir);
		rc = load_facts(m, dir, dl);
		free(dir);
		if (rc < 0) {
			ret = MODEL_INVALID;
			goto out;
		}
	}
	if (mr->need & MODEL_SECRETS) {
		m->vault_path = mr->vault_path ? xstrdup(mr->vault_path)
					       : model_default_vault_path(in->inventory);
		ret = model_load_secrets(m->vault_path, &mr->pw, &m->keyring, &m->secrets, dl);
		if (ret != MODEL_OK)
			goto out;
		m->ctx.secrets = &m->secrets;
		m->ctx.vault_file = m->vault_path;
	}
	if (mr->need & MODEL_PKI)
		ret = load_pki(m, dl, notes);
out:
	strbuf_release(&err);
	return ret;
}

void model_release(struct model *m)
{
	for (size_t i = 0; i < m->nr_hosts; i++)
		if (m->have_facts && m->have_facts[i])
			facts_release(&m->facts[i]);
	free(m->facts);
	free(m->have_facts);
	free(m->hosts);
	free(m->group_names);
	inventory_release(&m->inv);
	if (m->loaded_settings)
		settings_release(&m->settings);
	cluster_secrets_release(&m->secrets);
	vault_keyring_release(&m->keyring);
	strbuf_release(&m->ca_pem);
	strbuf_release(&m->cert_pem);
	secret_release(&m->key_pem);
	free(m->state_dir);
	free(m->cache_dir);
	free(m->vault_path);
	state_lock_release(&m->lock);
	role_hosts_release(&m->role_hosts);
	strvec_clear(&m->strings);
}
