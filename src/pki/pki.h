#ifndef KCFG_PKI_H
#define KCFG_PKI_H

#include <stddef.h>

struct strbuf;

/*
 * The registry's PKI: a private CA and a server certificate for Harbor,
 * kept under a local directory (.kcfg/pki/). Generated once and reused:
 * the original playbook regenerated the CA on every run, which broke
 * every node's trust. Private keys are stored encrypted (PKCS#8,
 * PBES2: PBKDF2-HMAC-SHA256 with 100000 rounds and a 16-byte salt, and
 * AES-256-CBC) with the vault password, never in plain text. Keys an
 * older kcfg wrote with fewer rounds are read, and re-encrypted the
 * next time pki_ensure() reads them.
 *
 * Files in `dir`:
 *   ca.crt      the CA certificate (PEM)
 *   ca.key      the CA key, encrypted
 *   server.crt  the registry's certificate, signed by the CA
 *   server.key  its key, encrypted
 */
struct pki_request {
	const char *dir;
	const char *cn;			/* e.g. "harbor.internal" */
	/* SANs, NULL-terminated; one that is no DNS name (names_address_ok,
	 * not an IP) or no IP address (names_ip_ok) is an error */
	const char *const *dns_names;
	const char *const *ip_addrs;
	const char *subject;		/* OpenSSL form "/C=JP/O=MDX" or NULL; CN is added */
	const char *ca_name;		/* CA subject CN */
	int ca_days;			/* CA validity, e.g. 3650 */
	int cert_days;			/* server validity, e.g. 825 */
	const char *password;		/* encrypts the keys at rest */
	size_t password_len;
};

/* What pki_ensure() did, for the plan/log. */
struct pki_result {
	int ca_created;		/* a new CA was made (first run) */
	int cert_issued;	/* a new server certificate was issued */
	char *reason;		/* why the certificate was (re)issued, or NULL */
	int keys_upgraded;	/* keys of an older kcfg re-encrypted with today's KDF */
};

/* The key files in the directory, NULL-terminated: "ca.key", "server.key". */
extern const char *const pki_key_files[];

/*
 * Makes sure the CA and a server certificate matching the request exist
 * and are valid for at least 30 more days. Reuses what is there; issues a
 * new server certificate when its names, addresses or CA no longer
 * match; never replaces an existing CA (a CA whose key cannot be
 * decrypted is an error, not a reason to make a new one). Returns 0, or
 * -1 with a message in err.
 */
int pki_ensure(const struct pki_request *req, struct pki_result *res,
	       struct strbuf *err);
void pki_result_release(struct pki_result *res);

/*
 * Decrypts `key_path` with the password and appends it in PEM form
 * (unencrypted PKCS#8) to `out`, for pushing to the registry host.
 * The caller wipes `out` when done.
 */
int pki_read_key_pem(const char *key_path, const char *password,
		     size_t password_len, struct strbuf *out, struct strbuf *err);

#define PKI_WRONG_PASSWORD 1

/*
 * For `kcfg vault rekey`: the encrypted key `pem` (as read from the file
 * `name`) decrypted with `old_pw` and encrypted anew with `new_pw`, as
 * pki_ensure() writes keys, appended to `out`. Nothing is written.
 * Returns 0, PKI_WRONG_PASSWORD when `old_pw` does not open it, or -1
 * with `err`.
 */
int pki_rekey_pem(const char *pem, size_t len, const char *name,
		  const char *old_pw, size_t old_len, const char *new_pw, size_t new_len,
		  struct strbuf *out, struct strbuf *err);

#endif
