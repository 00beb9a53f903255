/*
 * Host names, addresses and user names as kcfg accepts them (names.h).
 */
#include <arpa/inet.h>
#include <string.h>

#include "config/names.h"
#include "util/strbuf.h"
#include "util/banned.h"

static int is_lower(int c) { return c >= 'a' && c <= 'z'; }
static int is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }

/* What a label of a host name may hold: lowercase, or also '_' and uppercase. */
enum label_kind { LABEL_RFC1123, LABEL_DNS };

static int label_char_ok(int c, enum label_kind kind)
{
	if (is_lower(c) || is_digit(c) || c == '-')
		return 1;
	return kind == LABEL_DNS && (is_upper(c) || c == '_');
}

static int label_ok(const char *s, size_t n, enum label_kind kind)
{
	if (!n || n > NAMES_LABEL_MAX || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!label_char_ok((unsigned char)s[i], kind))
			return 0;
	return 1;
}

/* Labels joined by single dots, `len` bytes of `s`. */
static int labels_ok(const char *s, size_t len, enum label_kind kind)
{
	if (!len || len > NAMES_DNS_MAX)
		return 0;
	for (size_t start = 0, i = 0; i <= len; i++) {
		if (i < len && s[i] != '.')
			continue;
		if (!label_ok(s + start, i - start, kind))
			return 0;
		start = i + 1;
	}
	return 1;
}

/* Only digits and dots: an IPv4 address (or a bad one), never a name. */
static int all_digits_and_dots(const char *s, size_t len)
{
	return strspn(s, "0123456789.") >= len;
}

int names_label_ok(const char *s)
{
	return label_ok(s, strlen(s), LABEL_RFC1123);
}

int names_dns_ok(const char *s)
{
	return labels_ok(s, strlen(s), LABEL_RFC1123);
}

int names_hostname_ok(const char *s)
{
	size_t len = strlen(s);

	return labels_ok(s, len, LABEL_RFC1123) && !all_digits_and_dots(s, len);
}

int names_ipv4_ok(const char *s)
{
	int parts = 0;

	for (;;) {
		size_t n = strspn(s, "0123456789");
		unsigned v = 0;

		if (n < 1 || n > 3 || (n > 1 && s[0] == '0'))
			return 0;
		for (size_t i = 0; i < n; i++)
			v = v * 10 + (unsigned)(s[i] - '0');
		if (v > 255)
			return 0;
		parts++;
		s += n;
		if (!*s)
			return parts == 4;
		if (*s != '.' || parts == 4)
			return 0;
		s++;
	}
}

int names_ipv6_ok(const char *s)
{
	unsigned char buf[16];

	/* inet_pton takes a trailing dotted quad too; its checks are glibc's, not ours */
	return strspn(s, "0123456789abcdefABCDEF:.") == strlen(s) && strchr(s, ':') &&
	       inet_pton(AF_INET6, s, buf) == 1;
}

int names_ip_ok(const char *s)
{
	return names_ipv4_ok(s) || names_ipv6_ok(s);
}

int names_address_ok(const char *s)
{
	size_t len = strlen(s);

	if (names_ip_ok(s))
		return 1;
	if (len > 1 && s[len - 1] == '.')
		len--;	/* a fully qualified name may end in '.' */
	return labels_ok(s, len, LABEL_DNS) && !all_digits_and_dots(s, len);
}

int names_user_ok(const char *s)
{
	size_t len = strlen(s);

	if (!len || len > 32 || !(is_lower((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < len; i++)
		if (!is_lower((unsigned char)s[i]) && !is_digit((unsigned char)s[i]) &&
		    s[i] != '_' && s[i] != '-')
			return 0;
	return 1;
}

int names_netif_ok(const char *s)
{
	size_t len = strlen(s);

	if (!len || len > 15 || s[0] == '-' || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!is_lower((unsigned char)s[i]) && !is_upper((unsigned char)s[i]) &&
		    !is_digit((unsigned char)s[i]) && !strchr("_-.", s[i]))
			return 0;
	return 1;
}

static int alnum(int c)
{
	return is_lower(c) || is_upper(c) || is_digit(c);
}

int names_label_value_ok(const char *s)
{
	size_t len = strlen(s);

	if (!len || len > NAMES_LABEL_MAX || !alnum((unsigned char)s[0]) ||
	    !alnum((unsigned char)s[len - 1]))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!alnum((unsigned char)s[i]) && !strchr("-_.", s[i]))
			return 0;
	return 1;
}

void names_url_host(struct strbuf *out, const char *address)
{
	if (strchr(address, ':') && address[0] != '[')
		strbuf_addf(out, "[%s]", address);
	else
		strbuf_addstr(out, address);
}
