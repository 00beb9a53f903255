/* Unit tests for src/pki: the registry CA and server certificate. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "pki/pki.h"
#include "util/fs.h"
#include "util/strbuf.h"

static char dir[64];
static const char *const dns[] = { "harbor", "harbor.internal", NULL };
static const char *const ips[] = { "10.13.0.5", NULL };
static const char *const ips2[] = { "10.13.0.6", NULL };

static struct pki_request request(const char *const *ip_list)
{
	struct pki_request r = {
		.dir = dir, .cn = "harbor.internal", .dns_names = dns,
		.ip_addrs = ip_list, .subject = "/C=JP/ST=Chiba/O=MDX", .ca_name = "kcfg registry CA", .ca_days = 3650,
		.cert_days = 825, .password = "vault-pw", .password_len = 8,
	};
	return r;
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/kcfg-pki-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static X509 *load(const char *name)
{
	char path[128];
	FILE *f;
	X509 *x;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	assert_non_null(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(x);
	return x;
}

static int verify(X509 *ca, X509 *leaf, const char *host, const char *ip)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	X509_VERIFY_PARAM *param;
	int ok;

	X509_STORE_add_cert(store, ca);
	X509_STORE_CTX_init(ctx, store, leaf, NULL);
	param = X509_STORE_CTX_get0_param(ctx);
	if (host)
		X509_VERIFY_PARAM_set1_host(param, host, 0);
	if (ip)
		X509_VERIFY_PARAM_set1_ip_asc(param, ip);
	X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
	ok = X509_verify_cert(ctx);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return ok;
}

static void file_mode_is(const char *name, mode_t want)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, want);
}

static void test_first_run_creates_a_chain_that_verifies(void **state)
{
	struct pki_request r = request(ips);
	struct pki_result res;
	struct strbuf err = STRBUF_INIT;
	X509 *ca, *srv;

	assert_int_equal(pki_ensure(&r, &res, &err), 0);
	assert_true(res.ca_created);
	assert_true(res.cert_issued);
	pki_result_release(&res);
	ca = load("ca.crt");
	srv = load("server.crt");
	assert_int_equal(verify(ca, srv, "harbor.internal", NULL), 1);
	assert_int_equal(verify(ca, srv, "harbor", NULL), 1);
	assert_int_equal(verify(ca, srv, NULL, "10.13.0.5"), 1);
	assert_int_equal(verify(ca, srv, "evil.internal", NULL), 0);
	assert_int_equal(verify(ca, srv, NULL, "10.13.0.9"), 0);
	assert_int_equal(X509_check_ca(ca), 1);
	{
		char line[256];
		X509_NAME_oneline(X509_get_subject_name(srv), line, sizeof(line));
		assert_string_equal(line, "/C=JP/ST=Chiba/O=MDX/CN=harbor.internal");
	}
	assert_int_equal(X509_check_ca(srv), 0);
	file_mode_is("ca.key", 0600);
	file_mode_is("server.key", 0600);
	X509_free(ca);
	X509_free(srv);
	strbuf_release(&err);
}

static void test_keys_are_encrypted_at_rest(void **state)
{
	struct strbuf key = STRBUF_INIT, err = STRBUF_INIT, path = STRBUF_INIT;

	strbuf_addf(&path, "%s/ca.key", dir);
	assert_int_equal(strbuf_read_file(&key, path.buf, 65536), 0);
	assert_non_null(strstr(key.buf, "BEGIN ENCRYPTED PRIVATE KEY"));
	strbuf_reset(&key);
	assert_int_equal(pki_read_key_pem(path.buf, "wrong", 5, &key, &err), -1);
	assert_non_null(strstr(err.buf, "cannot decrypt"));
	strbuf_reset(&err);
	assert_int_equal(pki_read_key_pem(path.buf, "vault-pw", 8, &key, &err), 0);
	assert_non_null(strstr(key.buf, "BEGIN PRIVATE KEY"));
	strbuf_release(&key);
	strbuf_release(&err);
	strbuf_release(&path);
}

static void test_second_run_reuses_everything(void **state)
{
	struct pki_request r = request(ips);
	struct pki_result res;
	struct strbuf err = STRBUF_INIT, before = STRBUF_INIT, after = STRBUF_INIT, p = STRBUF_INIT;

	strbuf_addf(&p, "%s/server.crt", dir);
	assert_int_equal(strbuf_read_file(&before, p.buf, 65536), 0);
	assert_int_equal(pki_ensure(&r, &res, &err), 0);
	assert_false(res.ca_created);
	assert_false(res.cert_issued);
	assert_int_equal(strbuf_read_file(&after, p.buf, 65536), 0);
	assert_string_equal(before.buf, after.buf);
	pki_result_release(&res);
	strbuf_release(&err);
	strbuf_release(&before);
	strbuf_release(&after);
	strbuf_release(&p);
}

static void test_new_address_reissues_but_keeps_the_ca(void **state)
{
	struct pki_request r = request(ips2);
	struct pki_result res;
	struct strbuf err = STRBUF_INIT, ca_before = STRBUF_INIT, ca_after = STRBUF_INIT, p = STRBUF_INIT;
	X509 *ca, *srv;

	strbuf_addf(&p, "%s/ca.crt", dir);
	assert_int_equal(strbuf_read_file(&ca_before, p.buf, 65536), 0);
	assert_int_equal(pki_ensure(&r, &res, &err), 0);
	assert_false(res.ca_created);
	assert_true(res.cert_issued);
	assert_string_equal(res.reason, "its addresses differ from the registry's");
	assert_int_equal(strbuf_read_file(&ca_after, p.buf, 65536), 0);
	assert_string_equal(ca_before.buf, ca_after.buf);
	ca = load("ca.crt");
	srv = load("server.crt");
	assert_int_equal(verify(ca, srv, NULL, "10.13.0.6"), 1);
	assert_int_equal(verify(ca, srv, NULL, "10.13.0.5"), 0);
	X509_free(ca);
	X509_free(srv);
	pki_result_release(&res);
	strbuf_release(&err);
	strbuf_release(&ca_before);
	strbuf_release(&ca_after);
	strbuf_release(&p);
}

static void test_wrong_password_never_replaces_the_ca(void **state)
{
	struct pki_request r = request(ips2);
	struct pki_result res;
	struct strbuf err = STRBUF_INIT;

	r.password = "not-the-password";
	r.password_len = strlen(r.password);
	assert_int_equal(pki_ensure(&r, &res, &err), -1);
	assert_non_null(strstr(err.buf, "cannot decrypt the key"));
	assert_non_null(strstr(err.buf, "ca.key"));
	strbuf_release(&err);
}

/*
 * Names are data: a comma in one adds no names of its own (OpenSSL's
 * "DNS:a,IP:b" text would), an IPv6 address and a DNS name are entries.
 */
static void test_san_names_are_data(void **state)
{
	static const char *const evil_dns[] = { "harbor", "harbor.internal,DNS:*.evil.example", NULL };
	static const char *const evil_ip[] = { "10.13.0.5,DNS:*.evil.example", NULL };
	static const char *const dns6[] = { "harbor", "harbor.lab.example", NULL };
	static const char *const ip6[] = { "fd00::5", NULL };
	struct pki_request r = request(ips);
	struct pki_result res;
	struct strbuf err = STRBUF_INIT, sub = STRBUF_INIT, crt = STRBUF_INIT;
	X509 *ca, *srv;

	strbuf_addf(&sub, "%s/san", dir);
	strbuf_addf(&crt, "%s/server.crt", sub.buf);
	r.dir = sub.buf;
	r.dns_names = evil_dns;
	assert_int_equal(pki_ensure(&r, &res, &err), -1);
	assert_string_equal(err.buf, "cannot issue the certificate for 'harbor.internal': "
			    "'harbor.internal,DNS:*.evil.example' is not a DNS name");
	assert_int_equal(access(crt.buf, F_OK), -1);
	strbuf_reset(&err);
	r.dns_names = dns;
	r.ip_addrs = evil_ip;
	assert_int_equal(pki_ensure(&r, &res, &err), -1);
	assert_string_equal(err.buf, "cannot issue the certificate for 'harbor.internal': "
			    "'10.13.0.5,DNS:*.evil.example' is not an IP address");
	assert_int_equal(access(crt.buf, F_OK), -1);
	strbuf_reset(&err);

	r.dns_names = dns6;
	r.ip_addrs = ip6;
	assert_int_equal(pki_ensure(&r, &res, &err), 0);
	pki_result_release(&res);
	assert_int_equal(pki_ensure(&r, &res, &err), 0);
	assert_false(res.cert_issued);	/* the names read back as asked */
	pki_result_release(&res);
	strbuf_reset(&sub);
	ca = load("san/ca.crt");
	srv = load("san/server.crt");
	assert_int_equal(verify(ca, srv, "harbor.lab.example", "fd00::5"), 1);
	assert_int_equal(verify(ca, srv, "x.evil.example", NULL), 0);
	X509_free(ca);
	X509_free(srv);
	strbuf_release(&err);
	strbuf_release(&sub);
	strbuf_release(&crt);
}

/* The PBKDF2 rounds of the encrypted key file `name` (0 when it is no PBES2/PBKDF2-SHA256). */
static long kdf_rounds(const char *name)
{
	char path[128];
	FILE *f;
	X509_SIG *p8;
	const X509_ALGOR *alg;
	PBE2PARAM *pbe2;
	PBKDF2PARAM *kdf = NULL;
	long rounds = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	assert_non_null(f);
	p8 = PEM_read_PKCS8(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(p8);
	X509_SIG_get0(p8, &alg, NULL);
	assert_int_equal(OBJ_obj2nid(alg->algorithm), NID_pbes2);
	pbe2 = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), alg->parameter);
	assert_non_null(pbe2);
	if (OBJ_obj2nid(pbe2->keyfunc->algorithm) == NID_id_pbkdf2)
		kdf = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM),
						pbe2->keyfunc->parameter);
	if (kdf && kdf->prf && OBJ_obj2nid(kdf->prf->algorithm) == NID_hmacWithSHA256)
		rounds = ASN1_INTEGER_get(kdf->iter);
	PBKDF2PARAM_free(kdf);
	PBE2PARAM_free(pbe2);
	X509_SIG_free(p8);
	return rounds;
}

static void test_keys_use_a_kdf_stronger_than_the_vaults(void **state)
{
	/* ansible-vault: PBKDF2-HMAC-SHA256, 10000 rounds */
	assert_true(kdf_rounds("ca.key") >= 100000);
	assert_true(kdf_rounds("server.key") >= 100000);
}

static void test_keys_of_an_older_kcfg_load_and_are_upgraded(void **state)
{
	struct pki_request r = request(ips2);
	struct pki_result res;
	struct strbuf err = STRBUF_INIT, before = STRBUF_INIT, after = STRBUF_INIT;
	char path[128];
	EVP_PKEY *k;
	FILE *f;

	/* ca.key as kcfg wrote it before: OpenSSL's default 2048 rounds */
	snprintf(path, sizeof(path), "%s/ca.key", dir);
	assert_int_equal(pki_read_key_pem(path, "vault-pw", 8, &before, &err), 0);
	f = fopen(path, "r");
	k = PEM_read_PrivateKey(f, NULL, NULL, (void *)"vault-pw");
	fclose(f);
	assert_non_null(k);
	f = fopen(path, "w");
	assert_int_equal(PEM_write_PKCS8PrivateKey(f, k, EVP_aes_256_cbc(), "vault-pw", 8,
						   NULL, NULL), 1);
	fclose(f);
	EVP_PKEY_free(k);
	assert_int_equal(kdf_rounds("ca.key"), 2048);

	assert_int_equal(pki_ensure(&r, &res, &err), 0);
	assert_false(res.ca_created);
	assert_false(res.cert_issued);
	assert_int_equal(res.keys_upgraded, 1);
	assert_true(kdf_rounds("ca.key") >= 100000);
	assert_int_equal(pki_read_key_pem(path, "vault-pw", 8, &after, &err), 0);
	assert_string_equal(before.buf, after.buf);	/* the same key */
	pki_result_release(&res);
	assert_int_equal(pki_ensure(&r, &res, &err), 0);
	assert_int_equal(res.keys_upgraded, 0);
	pki_result_release(&res);
	strbuf_release(&err);
	strbuf_release(&before);
	strbuf_release(&after);
}

static void test_rekey_pem(void **state)
{
	struct strbuf pem = STRBUF_INIT, out = STRBUF_INIT, err = STRBUF_INIT;
	struct strbuf plain_old = STRBUF_INIT, plain_new = STRBUF_INIT;
	char path[128], tmp[128];

	snprintf(path, sizeof(path), "%s/server.key", dir);
	snprintf(tmp, sizeof(tmp), "%s/rekeyed.key", dir);
	assert_int_equal(strbuf_read_file(&pem, path, 65536), 0);
	assert_int_equal(pki_rekey_pem(pem.buf, pem.len, path, "wrong", 5, "new-pw", 6,
				       &out, &err), PKI_WRONG_PASSWORD);
	assert_int_equal(out.len, 0);
	assert_int_equal(pki_rekey_pem(pem.buf, pem.len, path, "vault-pw", 8, "new-pw", 6,
				       &out, &err), 0);
	assert_int_equal(write_file_atomic(tmp, out.buf, out.len, 0600, &err), 0);
	assert_int_equal(pki_read_key_pem(tmp, "vault-pw", 8, &plain_new, &err), -1);
	assert_int_equal(pki_read_key_pem(tmp, "new-pw", 6, &plain_new, &err), 0);
	assert_int_equal(pki_read_key_pem(path, "vault-pw", 8, &plain_old, &err), 0);
	assert_string_equal(plain_old.buf, plain_new.buf);
	assert_true(kdf_rounds("rekeyed.key") >= 100000);
	unlink(tmp);
	strbuf_release(&pem);
	strbuf_release(&out);
	strbuf_release(&err);
	strbuf_release(&plain_old);
	strbuf_release(&plain_new);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_run_creates_a_chain_that_verifies),
		cmocka_unit_test(test_keys_are_encrypted_at_rest),
		cmocka_unit_test(test_second_run_reuses_everything),
		cmocka_unit_test(test_new_address_reissues_but_keeps_the_ca),
		cmocka_unit_test(test_wrong_password_never_replaces_the_ca),
		cmocka_unit_test(test_san_names_are_data),
		cmocka_unit_test(test_keys_use_a_kdf_stronger_than_the_vaults),
		cmocka_unit_test(test_keys_of_an_older_kcfg_load_and_are_upgraded),
		cmocka_unit_test(test_rekey_pem),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
