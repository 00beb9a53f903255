#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "config/names.h"
#include "pki/pki.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define PKI_MAX_PEM (64u << 10)	/* a PEM file we read is never bigger */
#define RENEW_BEFORE_SECONDS (30L * 24 * 3600)
/*
 * PBKDF2-HMAC-SHA256 rounds for the keys at rest: ten times the vault's
 * (ansible-vault's fixed 10000), so that a key file is never the cheaper
 * way to guess the vault password. kcfg before this wrote 2048.
 */
#define KEY_KDF_ITER 100000
#define KEY_SALT_LEN 16

const char *const pki_key_files[] = { "ca.key", "server.key", NULL };

static void add_ssl_error(struct strbuf *err)
{
	unsigned long e = ERR_get_error();
	char buf[256];

	if (e) {
		ERR_error_string_n(e, buf, sizeof(buf));
		strbuf_addf(err, " (%s)", buf);
	}
	ERR_clear_error();
}

static char *path_in(const char *dir, const char *name)
{
	return xstrfmt("%s/%s", dir, name);
}

static EVP_PKEY *new_key(void)
{
	/* P-256: fast to make, accepted by docker, containerd and Harbor's nginx */
	return EVP_EC_gen("P-256");
}

/* `key` as encrypted PKCS#8 PEM: PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC. */
static int encode_key(BIO *bio, EVP_PKEY *key, const char *pass, size_t pass_len)
{
	PKCS8_PRIV_KEY_INFO *p8inf = EVP_PKEY2PKCS8(key);
	X509_SIG *p8 = NULL;
	int ok;

	/* pbe_nid -1: PBES2 with `cipher`; its PRF defaults to hmacWithSHA256 */
	if (p8inf)
		p8 = PKCS8_encrypt_ex(-1, EVP_aes_256_cbc(), pass, (int)pass_len, NULL,
				      KEY_SALT_LEN, KEY_KDF_ITER, p8inf, NULL, NULL);
	ok = p8 && PEM_write_bio_PKCS8(bio, p8);
	X509_SIG_free(p8);
	PKCS8_PRIV_KEY_INFO_free(p8inf);
	return ok;
}

/*
 * 1 when the encrypted key `pem` is protected as encode_key() does it
 * now (PBKDF2 with SHA-256 or SHA-512 and at least KEY_KDF_ITER rounds);
 * 0 for keys of older kcfg versions, which are re-encrypted.
 */
static int kdf_current(const char *pem, size_t len)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	X509_SIG *p8 = bio ? PEM_read_bio_PKCS8(bio, NULL, NULL, NULL) : NULL;
	const X509_ALGOR *alg = NULL;
	PBE2PARAM *pbe2 = NULL;
	PBKDF2PARAM *kdf = NULL;
	int ok = 0, prf;

	if (p8)
		X509_SIG_get0(p8, &alg, NULL);
	if (alg && OBJ_obj2nid(alg->algorithm) == NID_pbes2)
		pbe2 = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), alg->parameter);
	if (pbe2 && OBJ_obj2nid(pbe2->keyfunc->algorithm) == NID_id_pbkdf2)
		kdf = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM),
						pbe2->keyfunc->parameter);
	if (kdf && kdf->prf) {
		prf = OBJ_obj2nid(kdf->prf->algorithm);
		ok = (prf == NID_hmacWithSHA256 || prf == NID_hmacWithSHA512) &&
		     ASN1_INTEGER_get(kdf->iter) >= KEY_KDF_ITER;
	}
	PBKDF2PARAM_free(kdf);
	PBE2PARAM_free(pbe2);
	X509_SIG_free(p8);
	BIO_free(bio);
	ERR_clear_error();
	return ok;
}

static int write_pem(const char *path, int is_key, void *obj, const char *pass,
		     size_t pass_len, struct strbuf *err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long len;
	int ok, ret;

	if (is_key)
		ok = encode_key(bio, obj, pass, pass_len);
	else
		ok = PEM_write_bio_X509(bio, obj);
	if (!ok) {
		strbuf_addf(err, "cannot encode '%s'", path);
		add_ssl_error(err);
		BIO_free(bio);
		return -1;
	}
	len = BIO_get_mem_data(bio, &data);
	ret = write_file_atomic(path, data, (size_t)len, is_key ? 0600 : 0644, err);
	BIO_free(bio);
	return ret;
}

static BIO *read_pem_bio(const char *path, struct strbuf *err)
{
	struct strbuf sb = STRBUF_INIT;
	BIO *bio;

	if (strbuf_read_file(&sb, path, PKI_MAX_PEM) < 0) {
		strbuf_addf(err, "cannot read '%s': %s", path, strerror(errno));
		strbuf_release(&sb);
		return NULL;
	}
	bio = BIO_new(BIO_s_mem());
	BIO_write(bio, sb.buf, (int)sb.len);
	strbuf_release(&sb);
	return bio;
}

static X509 *read_cert(const char *path, struct strbuf *err)
{
	BIO *bio = read_pem_bio(path, err);
	X509 *x;

	if (!bio)
		return NULL;
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (!x) {
		strbuf_addf(err, "'%s' is not a PEM certificate", path);
		add_ssl_error(err);
	}
	return x;
}

/* The encrypted key `pem` (read from `name`), decrypted; NULL with `err`. */
static EVP_PKEY *decrypt_key(const char *pem, size_t len, const char *name,
			     const char *pass, size_t pass_len, struct strbuf *err)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *k = NULL;
	char *p = xstrndup(pass, pass_len);

	if (bio)
		k = PEM_read_bio_PrivateKey(bio, NULL, NULL, p);
	OPENSSL_cleanse(p, pass_len);
	free(p);
	BIO_free(bio);
	if (!k) {
		ERR_clear_error();
		strbuf_addf(err, "cannot decrypt the key '%s' with the vault password", name);
	}
	return k;
}

/* Reads and decrypts `path`; *weak is set when its KDF is an old one. */
static EVP_PKEY *read_key(const char *path, const char *pass, size_t pass_len,
			  int *weak, struct strbuf *err)
{
	struct strbuf sb = STRBUF_INIT;
	EVP_PKEY *k = NULL;

	if (strbuf_read_file(&sb, path, PKI_MAX_PEM) < 0)
		strbuf_addf(err, "cannot read '%s': %s", path, strerror(errno));
	else if ((k = decrypt_key(sb.buf, sb.len, path, pass, pass_len, err)) && weak)
		*weak = !kdf_current(sb.buf, sb.len);
	strbuf_release(&sb);
	return k;
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ext)
		return 0;
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

static int set_serial(X509 *cert)
{
	unsigned char raw[16];
	BIGNUM *bn;
	int ok;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return 0;
	raw[0] &= 0x7f;	/* positive */
	bn = BN_bin2bn(raw, sizeof(raw), NULL);
	ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != NULL;
	BN_free(bn);
	return ok;
}

/* Adds "/K=V/K=V" entries to `name`; 0 when the form is wrong. */
static int add_subject(X509_NAME *name, const char *subject)
{
	char *copy, *p, *next;
	int ok = 1;

	if (!subject || !*subject)
		return 1;
	if (*subject != '/')
		return 0;
	copy = xstrdup(subject + 1);
	for (p = copy; ok && p && *p; p = next) {
		char *eq;
		next = strchr(p, '/');
		if (next)
			*next++ = '\0';
		eq = strchr(p, '=');
		if (!eq || eq == p || !eq[1]) {
			ok = 0;
			break;
		}
		*eq = '\0';
		ok = X509_NAME_add_entry_by_txt(name, p, MBSTRING_UTF8,
						(const unsigned char *)eq + 1, -1, -1, 0);
	}
	free(copy);
	return ok;
}

static X509 *new_cert(EVP_PKEY *key, const char *subject, const char *cn, int days)
{
	X509 *cert = X509_new();
	X509_NAME *name = X509_NAME_new();

	X509_set_version(cert, 2);
	if (!add_subject(name, subject)) {
		X509_NAME_free(name);
		X509_free(cert);
		return NULL;
	}
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
				   (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(cert, name);
	X509_NAME_free(name);
	/* a minute of slack for hosts whose clocks run a little behind */
	X509_gmtime_adj(X509_getm_notBefore(cert), -60);
	X509_gmtime_adj(X509_getm_notAfter(cert), (long)days * 24 * 3600);
	X509_set_pubkey(cert, key);
	if (!set_serial(cert)) {
		X509_free(cert);
		return NULL;
	}
	return cert;
}

static int make_ca(const struct pki_request *req, const char *crt_path,
		   const char *key_path, struct strbuf *err)
{
	EVP_PKEY *key = new_key();
	X509 *cert = NULL;
	int ret = -1;

	if (!key || !(cert = new_cert(key, req->subject, req->ca_name, req->ca_days)) ||
	    !X509_set_issuer_name(cert, X509_get_subject_name(cert)) ||
	    !add_ext(cert, cert, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
	    !add_ext(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign") ||
	    !add_ext(cert, cert, NID_subject_key_identifier, "hash") ||
	    !X509_sign(cert, key, EVP_sha256())) {
		strbuf_addstr(err, "cannot create the registry CA");
		add_ssl_error(err);
		goto out;
	}
	/* key first: a CA certificate without its key would be useless */
	if (write_pem(key_path, 1, key, req->password, req->password_len, err) < 0 ||
	    write_pem(crt_path, 0, cert, NULL, 0, err) < 0)
		goto out;
	ret = 0;
out:
	X509_free(cert);
	EVP_PKEY_free(key);
	return ret;
}

/* One subjectAltName entry of `type` (GEN_DNS, GEN_IPADD), or 0 when `text` is no such name. */
static int push_name(GENERAL_NAMES *names, int type, const char *text)
{
	GENERAL_NAME *gn;
	ASN1_STRING *value;

	if (type == GEN_DNS) {
		if (!names_address_ok(text) || names_ip_ok(text))
			return 0;
		value = ASN1_IA5STRING_new();
		if (value && !ASN1_STRING_set(value, text, (int)strlen(text))) {
			ASN1_IA5STRING_free(value);
			value = NULL;
		}
	} else {
		value = names_ip_ok(text) ? a2i_IPADDRESS(text) : NULL;
	}
	if (!value)
		return 0;
	if (!(gn = GENERAL_NAME_new())) {
		ASN1_STRING_free(value);
		return 0;
	}
	GENERAL_NAME_set0_value(gn, type, value);
	if (!sk_GENERAL_NAME_push(names, gn)) {
		GENERAL_NAME_free(gn);
		return 0;
	}
	return 1;
}

/*
 * The subjectAltName extension, built entry by entry: the names are
 * data, never parsed as OpenSSL's "DNS:a,IP:b" text, where a comma in a
 * name would add names of its own.
 */
static int add_san(X509 *cert, const struct pki_request *req, struct strbuf *err)
{
	GENERAL_NAMES *names = sk_GENERAL_NAME_new_null();
	int ok = names != NULL;

	for (const char *const *d = req->dns_names; ok && d && *d; d++)
		if (!(ok = push_name(names, GEN_DNS, *d)))
			strbuf_addf(err, "cannot issue the certificate for '%s': '%s' is not a DNS name",
				    req->cn, *d);
	for (const char *const *ip = req->ip_addrs; ok && ip && *ip; ip++)
		if (!(ok = push_name(names, GEN_IPADD, *ip)))
			strbuf_addf(err, "cannot issue the certificate for '%s': '%s' is not an IP address",
				    req->cn, *ip);
	if (ok && sk_GENERAL_NAME_num(names) > 0 &&
	    X509_add1_ext_i2d(cert, NID_subject_alt_name, names, 0, X509V3_ADD_DEFAULT) != 1) {
		strbuf_addf(err, "cannot issue the certificate for '%s'", req->cn);
		add_ssl_error(err);
		ok = 0;
	}
	GENERAL_NAMES_free(names);
	return ok ? 0 : -1;
}

static int issue_server(const struct pki_request *req, X509 *ca, EVP_PKEY *ca_key,
			const char *crt_path, const char *key_path, struct strbuf *err)
{
	EVP_PKEY *key = new_key();
	X509 *cert = NULL;
	int ret = -1;

	if (!key || !(cert = new_cert(key, req->subject, req->cn, req->cert_days)) ||
	    !X509_set_issuer_name(cert, X509_get_subject_name(ca)) ||
	    !add_ext(cert, ca, NID_basic_constraints, "critical,CA:FALSE") ||
	    !add_ext(cert, ca, NID_key_usage, "critical,digitalSignature,keyEncipherment") ||
	    !add_ext(cert, ca, NID_ext_key_usage, "serverAuth") ||
	    !add_ext(cert, ca, NID_subject_key_identifier, "hash") ||
	    !add_ext(cert, ca, NID_authority_key_identifier, "keyid:always")) {
		strbuf_addf(err, "cannot issue the certificate for '%s'", req->cn);
		add_ssl_error(err);
		goto out;
	}
	if (add_san(cert, req, err) < 0)
		goto out;
	if (!X509_sign(cert, ca_key, EVP_sha256())) {
		strbuf_addf(err, "cannot issue the certificate for '%s'", req->cn);
		add_ssl_error(err);
		goto out;
	}
	if (write_pem(key_path, 1, key, req->password, req->password_len, err) < 0 ||
	    write_pem(crt_path, 0, cert, NULL, 0, err) < 0)
		goto out;
	ret = 0;
out:
	X509_free(cert);
	EVP_PKEY_free(key);
	return ret;
}

/* Returns NULL when `cert` still serves the request, else why not. */
static const char *server_mismatch(const struct pki_request *req, X509 *cert,
				   X509 *ca, EVP_PKEY *ca_key)
{
	time_t soon = time(NULL) + RENEW_BEFORE_SECONDS, latest;
	EVP_PKEY *ca_pub = X509_get0_pubkey(ca);
	GENERAL_NAMES *names;
	size_t want = 0, have;

	if (!ca_pub || X509_verify(cert, ca_pub) != 1) {
		ERR_clear_error();
		return "it was not signed by the current CA";
	}
	if (X509_cmp_time(X509_get0_notAfter(cert), &soon) <= 0)
		return "it expires within 30 days";
	latest = time(NULL) + (time_t)req->cert_days * 24 * 3600 + 24 * 3600;
	if (X509_cmp_time(X509_get0_notAfter(cert), &latest) > 0)
		return "it is valid for longer than asked";
	for (const char *const *d = req->dns_names; d && *d; d++, want++)
		if (X509_check_host(cert, *d, 0, X509_CHECK_FLAG_NO_WILDCARDS, NULL) != 1)
			return "its names differ from the registry's";
	for (const char *const *ip = req->ip_addrs; ip && *ip; ip++, want++)
		if (X509_check_ip_asc(cert, *ip, 0) != 1)
			return "its addresses differ from the registry's";
	/* also catch names that should no longer be there */
	names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	have = names ? (size_t)sk_GENERAL_NAME_num(names) : 0;
	GENERAL_NAMES_free(names);
	if (have != want)
		return "its names differ from the registry's";
	(void)ca_key;
	return NULL;
}

int pki_ensure(const struct pki_request *req, struct pki_result *res,
	       struct strbuf *err)
{
	char *ca_crt = path_in(req->dir, "ca.crt"), *ca_keyp = path_in(req->dir, "ca.key");
	char *srv_crt = path_in(req->dir, "server.crt"), *srv_key = path_in(req->dir, "server.key");
	X509 *ca = NULL, *srv = NULL;
	EVP_PKEY *ca_key = NULL, *srv_pkey = NULL;
	const char *why = NULL;
	int ret = -1, ca_weak = 0, srv_weak = 0;

	memset(res, 0, sizeof(*res));
	if (mkdir_p(req->dir, 0700, err) < 0)
		goto out;
	if (!path_exists(ca_crt) && !path_exists(ca_keyp)) {
		if (make_ca(req, ca_crt, ca_keyp, err) < 0)
			goto out;
		res->ca_created = 1;
	} else if (!path_exists(ca_crt) || !path_exists(ca_keyp)) {
		strbuf_addf(err, "the registry CA in '%s' is incomplete: one of ca.crt and ca.key is missing; "
			    "restore it from a backup, or remove both to make a new CA "
			    "(every node will then trust the new one after the next apply)", req->dir);
		goto out;
	}
	if (!(ca = read_cert(ca_crt, err)) ||
	    !(ca_key = read_key(ca_keyp, req->password, req->password_len, &ca_weak, err)))
		goto out;
	if (X509_check_private_key(ca, ca_key) != 1) {
		ERR_clear_error();
		strbuf_addf(err, "'%s' does not belong to '%s'", ca_keyp, ca_crt);
		goto out;
	}
	/* a key an older kcfg wrote gets today's KDF: the same key, re-encrypted */
	if (ca_weak) {
		if (write_pem(ca_keyp, 1, ca_key, req->password, req->password_len, err) < 0)
			goto out;
		res->keys_upgraded++;
	}

	if (!path_exists(srv_crt) || !path_exists(srv_key))
		why = "there is none yet";
	else if (!(srv = read_cert(srv_crt, err)))
		goto out;
	else if (!(srv_pkey = read_key(srv_key, req->password, req->password_len,
				       &srv_weak, err)))
		goto out;
	else if (X509_check_private_key(srv, srv_pkey) != 1) {
		ERR_clear_error();
		why = "its key does not match it";
	} else
		why = server_mismatch(req, srv, ca, ca_key);

	if (why) {
		if (issue_server(req, ca, ca_key, srv_crt, srv_key, err) < 0)
			goto out;
		res->cert_issued = 1;
		res->reason = xstrdup(why);
	} else if (srv_weak) {
		if (write_pem(srv_key, 1, srv_pkey, req->password, req->password_len, err) < 0)
			goto out;
		res->keys_upgraded++;
	}
	ret = 0;
out:
	X509_free(ca);
	X509_free(srv);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(srv_pkey);
	free(ca_crt);
	free(ca_keyp);
	free(srv_crt);
	free(srv_key);
	return ret;
}

void pki_result_release(struct pki_result *res)
{
	free(res->reason);
	res->reason = NULL;
}

int pki_read_key_pem(const char *key_path, const char *password,
		     size_t password_len, struct strbuf *out, struct strbuf *err)
{
	EVP_PKEY *k = read_key(key_path, password, password_len, NULL, err);
	BIO *bio;
	char *data;
	long len;

	if (!k)
		return -1;
	bio = BIO_new(BIO_s_secmem());
	if (!bio)
		bio = BIO_new(BIO_s_mem());
	if (!PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL)) {
		strbuf_addf(err, "cannot encode the key '%s'", key_path);
		add_ssl_error(err);
		BIO_free(bio);
		EVP_PKEY_free(k);
		return -1;
	}
	len = BIO_get_mem_data(bio, &data);
	strbuf_add(out, data, (size_t)len);
	OPENSSL_cleanse(data, (size_t)len);
	BIO_free(bio);
	EVP_PKEY_free(k);
	return 0;
}

int pki_rekey_pem(const char *pem, size_t len, const char *name,
		  const char *old_pw, size_t old_len, const char *new_pw, size_t new_len,
		  struct strbuf *out, struct strbuf *err)
{
	struct strbuf ignored = STRBUF_INIT;
	EVP_PKEY *k = decrypt_key(pem, len, name, old_pw, old_len, &ignored);
	BIO *bio;
	char *data;
	long n;
	int ret = -1;

	strbuf_release(&ignored);
	if (!k)
		return PKI_WRONG_PASSWORD;
	bio = BIO_new(BIO_s_mem());
	if (bio && encode_key(bio, k, new_pw, new_len)) {
		n = BIO_get_mem_data(bio, &data);
		strbuf_add(out, data, (size_t)n);
		ret = 0;
	} else {
		strbuf_addf(err, "cannot encrypt the key '%s' anew", name);
		add_ssl_error(err);
	}
	BIO_free(bio);
	EVP_PKEY_free(k);
	return ret;
}
