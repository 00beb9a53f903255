#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "transport/remote-fs.h"
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

/* The functions, the destination's directory and name, umask 022. */
static void script_start(const char *dest, int write, struct strbuf *script)
{
	strbuf_addstr(script, remote_fs_read_functions);
	if (write)
		strbuf_addstr(script, remote_fs_write_functions);
	strbuf_addstr(script, "umask 022\nset --");
	remote_fs_add_dir_name(script, dest);
	strbuf_addstr(script, "\nd=$1 n=$2\n");
}

/* Read without following a link: a user's link never shows another file's digest. */
void upload_probe_script(const char *dest, struct strbuf *script)
{
	script_start(dest, 0, script);
	strbuf_addstr(script,
		"if enter \"$d\" 0 2>/dev/null && [ -f \"./$n\" ] && [ ! -h \"./$n\" ]; then\n"
		"\trd \"$n\" | sha256sum\n"
		"fi\n");
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
 * The temporary file is made like every file kcfg writes (remote-fs.h),
 * its digest read back through its descriptor, not its name.
 */
void upload_send_script(const char *dest, uint64_t size, const char *sha,
			unsigned mode, const char *owner, struct strbuf *script)
{
	script_start(dest, 1, script);
	strbuf_addf(script, "size=%llu sha=%s\nset --", (unsigned long long)size, sha);
	remote_fs_add_attrs(script, mode, owner);
	strbuf_addstr(script,
		"\nu=$1 m=$2 o=$3\n"
		"trap '[ -z \"$K\" ] || rm -f -- \"./$K\"' EXIT\n"
		"trap 'exit 129' HUP\n"
		"trap 'exit 143' TERM\n"
		"trap 'exit 141' PIPE\n"
		"if ! { enter \"$d\" 1 && ck \"$n\" 0 && op \"$n\" \"$u\"; }; then\n"
		"\thead -c \"$size\" > /dev/null; exit 1\n"
		"fi\n"
		"if ! head -c \"$size\" | { cat >&3 || { cat > /dev/null; false; }; }; then\n"
		"\tab; echo \"cannot write '${d%/}/$n'\" >&2; exit 1\n"
		"fi\n"
		"got=$(sha256sum < /proc/self/fd/3); got=${got%% *}\n"
		"if [ \"$got\" != \"$sha\" ]; then\n"
		"\tab; echo \"sha256 mismatch after upload: got $got, want $sha\" >&2; exit 1\n"
		"fi\n"
		"fin \"$n\" \"$m\" \"$o\" 0 || exit 1\n");
}
