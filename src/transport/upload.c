#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "transport/shell.h"
#include "transport/upload.h"
#include "util/strbuf.h"
#include "util/banned.h"

int upload_sha256_file(const char *path, char hex[UPLOAD_SHA_HEX + 1],
		       uint64_t *size, struct strbuf *err)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = NULL;
	uint64_t total = 0;
	int fd = -1, ret = -1;
	ssize_t n;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		strbuf_addf(err, "cannot open '%s': %s", path, strerror(errno));
		goto out;
	}
	if (!(ctx = EVP_MD_CTX_new()) || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		strbuf_addstr(err, "cannot start a sha256 digest");
		goto out;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			strbuf_addf(err, "cannot read '%s': %s", path, strerror(errno));
			goto out;
		}
		EVP_DigestUpdate(ctx, buf, (size_t)n);
		total += (uint64_t)n;
	}
	if (!EVP_DigestFinal_ex(ctx, md, &mdlen) || mdlen != UPLOAD_SHA_HEX / 2) {
		strbuf_addstr(err, "cannot finish a sha256 digest");
		goto out;
	}
	for (unsigned i = 0; i < mdlen; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[UPLOAD_SHA_HEX] = '\0';
	*size = total;
	ret = 0;
out:
	EVP_MD_CTX_free(ctx);
	if (fd >= 0)
		close(fd);
	return ret;
}

void upload_probe_script(const char *dest, struct strbuf *script)
{
	strbuf_addstr(script, "d=");
	sq_quote(script, dest);
	strbuf_addstr(script, "\n[ ! -f \"$d\" ] || sha256sum < \"$d\"\n");
}

int upload_probe_matches(const char *out, const char *sha)
{
	return strlen(out) >= UPLOAD_SHA_HEX && !strncmp(out, sha, UPLOAD_SHA_HEX) &&
		(out[UPLOAD_SHA_HEX] == ' ' || out[UPLOAD_SHA_HEX] == '\n' ||
		 !out[UPLOAD_SHA_HEX]);
}

/*
 * Whatever fails, the script still reads all SIZE bytes (the second cat
 * drains them), or the rest would be taken for the next step's header.
 */
void upload_send_script(const char *dest, uint64_t size, const char *sha,
			unsigned mode, struct strbuf *script)
{
	strbuf_addstr(script, "d=");
	sq_quote(script, dest);
	strbuf_addf(script, "\nsize=%llu sha=%s mode=%o\n",
		    (unsigned long long)size, sha, mode);
	strbuf_addstr(script,
		"t=\"$(dirname \"$d\")/.$(basename \"$d\").kcfg-$$\"\n"
		"mkdir -p \"$(dirname \"$d\")\" 2>/dev/null\n"
		"if ! head -c \"$size\" | { cat > \"$t\" || { cat > /dev/null; false; }; }; then\n"
		"\trm -f \"$t\"; echo \"cannot write $t\" >&2; exit 1\n"
		"fi\n"
		"got=$(sha256sum < \"$t\" | cut -c1-64)\n"
		"if [ \"$got\" != \"$sha\" ]; then\n"
		"\trm -f \"$t\"; echo \"sha256 mismatch after upload: got $got, want $sha\" >&2; exit 1\n"
		"fi\n"
		"chmod \"$mode\" \"$t\" && mv -f \"$t\" \"$d\" || { rm -f \"$t\"; exit 1; }\n");
}
