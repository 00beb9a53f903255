/*
 * One download into the local cache, through libcurl: streamed to a
 * temporary file beside the destination while its sha256 is computed,
 * compared with the pin, then renamed into place, so the cache never
 * holds a partial or unchecked file.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "transport/fetch.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

int fetch_interrupted(void)
{
	return interrupted;
}

struct transfer {
	int fd;
	EVP_MD_CTX *md;
	uint64_t bytes;
	int write_errno;
	fetch_progress_fn progress;
	void *data;
};

static size_t on_data(char *buf, size_t size, size_t nmemb, void *p)
{
	struct transfer *t = p;
	size_t len = size * nmemb, done = 0;

	while (done < len) {
		ssize_t n = write(t->fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			t->write_errno = errno;
			return 0;	/* libcurl stops with CURLE_WRITE_ERROR */
		}
		done += (size_t)n;
	}
	EVP_DigestUpdate(t->md, buf, len);
	t->bytes += len;
	return len;
}

static int on_progress(void *p, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct transfer *t = p;

	(void)ultotal;
	(void)ulnow;
	if (interrupted)
		return 1;	/* CURLE_ABORTED_BY_CALLBACK */
	if (t->progress)
		t->progress((uint64_t)dlnow, dltotal > 0 ? (uint64_t)dltotal : 0, t->data);
	return 0;
}

static void global_init(void)
{
	static int done;

	if (!done) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		done = 1;
	}
}

/* What went wrong, in words a user can act on. */
static void explain(CURL *c, CURLcode rc, const char *url, const char *errbuf,
		    const struct transfer *t, struct strbuf *err, struct strbuf *hint)
{
	long status = 0;

	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	switch (rc) {
	case CURLE_HTTP_RETURNED_ERROR:
		strbuf_addf(err, "%s: the server answered HTTP %ld", url, status);
		if (status == 404)
			strbuf_addstr(hint, "no such file there: check the version in "
				      "cluster.yaml, or the mirror given with --from");
		else
			strbuf_addstr(hint, "try again later, or fetch it elsewhere and use "
				      "'kcfg fetch --from DIR'");
		return;
	case CURLE_FILE_COULDNT_READ_FILE:
		strbuf_addf(err, "%s: no such file", url);
		strbuf_addstr(hint, "put the file there under exactly this name, or fetch "
			      "from another mirror");
		return;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
		strbuf_addf(err, "%s: %s", url, *errbuf ? errbuf : curl_easy_strerror(rc));
		strbuf_addstr(hint, "without internet access here, fetch the files on "
			      "another machine and use 'kcfg fetch --from DIR'; a proxy is "
			      "taken from https_proxy");
		return;
	case CURLE_WRITE_ERROR:
		if (t->write_errno) {
			strbuf_addf(err, "cannot write the download of %s: %s", url,
				    strerror(t->write_errno));
			strbuf_addstr(hint, "free some space where the cache is (.kcfg/cache "
				      "beside the inventory)");
			return;
		}
		break;
	case CURLE_ABORTED_BY_CALLBACK:
		strbuf_addf(err, "%s: interrupted", url);
		return;
	case CURLE_FILESIZE_EXCEEDED:
		strbuf_addf(err, "%s: larger than %llu GiB, which no release file is", url,
			    (unsigned long long)(FETCH_MAX_BYTES >> 30));
		return;
	default:
		break;
	}
	strbuf_addf(err, "%s: %s", url, *errbuf ? errbuf : curl_easy_strerror(rc));
}

static int transfer(const char *url, struct transfer *t, struct strbuf *err,
		    struct strbuf *hint)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *c;
	CURLcode rc;

	global_init();
	c = curl_easy_init();
	if (!c) {
		strbuf_addstr(err, "cannot start a download (libcurl)");
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)FETCH_MAX_BYTES);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "kcfg/" KCFG_VERSION);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, t);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK)
		explain(c, rc, url, errbuf, t, err, hint);
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? 0 : -1;
}

/* The temporary file beside `dest`: "<dir>/.<name>.part-XXXXXX". */
static int open_temp(const char *dest, struct strbuf *tmp, struct strbuf *err)
{
	const char *slash = strrchr(dest, '/');
	int fd;

	if (slash)
		strbuf_add(tmp, dest, (size_t)(slash - dest) + 1);
	strbuf_addf(tmp, ".%s.part-XXXXXX", slash ? slash + 1 : dest);
	fd = mkstemp(tmp->buf);
	if (fd < 0)
		strbuf_addf(err, "cannot create a file beside '%s': %s", dest, strerror(errno));
	return fd;
}

int fetch_file(const char *url, const char *dest, const char *sha256,
	       fetch_progress_fn progress, void *data, struct fetch_result *res,
	       struct strbuf *err, struct strbuf *hint)
{
	struct strbuf tmp = STRBUF_INIT;
	struct transfer t;
	struct sigaction sa, old_int, old_term;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	memset(&t, 0, sizeof(t));
	t.progress = progress;
	t.data = data;
	t.fd = open_temp(dest, &tmp, err);
	if (t.fd < 0) {
		strbuf_release(&tmp);
		return -1;
	}
	t.md = EVP_MD_CTX_new();
	if (!t.md || EVP_DigestInit_ex(t.md, EVP_sha256(), NULL) != 1) {
		strbuf_addstr(err, "cannot compute sha256 (OpenSSL)");
		EVP_MD_CTX_free(t.md);
		close(t.fd);
		unlink(tmp.buf);
		strbuf_release(&tmp);
		return -1;
	}

	interrupted = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	if (transfer(url, &t, err, hint) < 0)
		goto out;
	EVP_DigestFinal_ex(t.md, md, &mdlen);
	for (unsigned i = 0; i < mdlen && i < 32; i++)
		xsnprintf(res->sha256 + 2 * i, 3, "%02x", md[i]);
	res->bytes = t.bytes;
	if (strcasecmp(res->sha256, sha256)) {
		strbuf_addf(err, "%s: its sha256 is %s, but the pin says %s", url, res->sha256,
			    sha256);
		strbuf_addstr(hint, "nothing was kept; if the pin is right, the file was "
			      "changed or damaged on its way");
		goto out;
	}
	if (fchmod(t.fd, 0644) < 0 || fsync(t.fd) < 0) {
		strbuf_addf(err, "cannot write '%s': %s", tmp.buf, strerror(errno));
		goto out;
	}
	if (close(t.fd) < 0) {
		t.fd = -1;
		strbuf_addf(err, "cannot write '%s': %s", tmp.buf, strerror(errno));
		goto out;
	}
	t.fd = -1;
	if (rename(tmp.buf, dest) < 0) {
		strbuf_addf(err, "cannot rename '%s' to '%s': %s", tmp.buf, dest, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (t.fd >= 0)
		close(t.fd);
	if (ret < 0)
		unlink(tmp.buf);
	EVP_MD_CTX_free(t.md);
	strbuf_release(&tmp);
	return ret;
}
