/*
 * Syntax of the value types cluster.yaml uses beyond plain strings:
 * Kubernetes quantities, IPv4 pools, versions and sha256 pins.
 */
#include <string.h>

#include "config/settings.h"
#include "config/settings-schema.h"
#include "util/banned.h"

static int is_digit(int c) { return c >= '0' && c <= '9'; }

static int mul(long long a, long long b, long long *out)
{
	return __builtin_mul_overflow(a, b, out) ? -1 : 0;
}

static long long gcd(long long a, long long b)
{
	while (b) {
		long long t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static long long pow10(int n)
{
	long long v = 1;
	while (n-- > 0)
		v *= 10;
	return v;
}

/*
 * A quantity as Kubernetes writes it: a decimal number (up to 9
 * fraction digits) and a suffix: m, k, M, G, T, P, E, Ki ... Ei, or an
 * exponent e3 / E-3. Sets *milli to the value times 1000, exactly, or
 * returns -1 (bad syntax, negative, too large, or finer than 1/1000).
 */
static int quantity_milli(const char *text, long long *milli)
{
	static const struct { const char *sfx; long long num, den; } sfx[] = {
		{ "", 1, 1 }, { "m", 1, 1000 },
		{ "k", 1000LL, 1 }, { "M", 1000000LL, 1 }, { "G", 1000000000LL, 1 },
		{ "T", 1000000000000LL, 1 }, { "P", 1000000000000000LL, 1 },
		{ "E", 1000000000000000000LL, 1 },
		{ "Ki", 1LL << 10, 1 }, { "Mi", 1LL << 20, 1 }, { "Gi", 1LL << 30, 1 },
		{ "Ti", 1LL << 40, 1 }, { "Pi", 1LL << 50, 1 }, { "Ei", 1LL << 60, 1 },
	};
	const char *p = text;
	long long mant = 0, num = 0, den = 0, n, d, g;
	int fdigits = 0, digits = 0;

	while (is_digit(*p)) {
		if (mul(mant, 10, &mant) || __builtin_add_overflow(mant, *p - '0', &mant))
			return -1;
		p++;
		digits++;
	}
	if (*p == '.') {
		p++;
		while (is_digit(*p)) {
			if (++fdigits > 9 || mul(mant, 10, &mant) ||
			    __builtin_add_overflow(mant, *p - '0', &mant))
				return -1;
			p++;
			digits++;
		}
	}
	if (!digits)
		return -1;
	if ((*p == 'e' || *p == 'E') && (is_digit(p[1]) ||
	    ((p[1] == '-' || p[1] == '+') && is_digit(p[2])))) {
		int neg = p[1] == '-', e = 0;
		p += 1 + (p[1] == '-' || p[1] == '+');
		while (is_digit(*p)) {
			e = e * 10 + (*p++ - '0');
			if (e > 18)
				return -1;
		}
		if (*p)
			return -1;
		num = neg ? 1 : pow10(e);
		den = neg ? pow10(e) : 1;
	} else {
		for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
			if (!strcmp(p, sfx[i].sfx)) {
				num = sfx[i].num;
				den = sfx[i].den;
				break;
			}
		}
		if (!num)
			return -1;
	}
	/* value * 1000 = mant * num * 1000 / (10^fdigits * den) */
	if (mul(pow10(fdigits), den, &d))
		return -1;
	g = gcd(1000, d);
	if (mul(mant, num, &n) || mul(n, 1000 / g, &n))
		return -1;
	d /= g;
	if (n % d)
		return -1;
	*milli = n / d;
	return 0;
}

int quantity_parse_cpu(const char *text, long long *millicores)
{
	return quantity_milli(text, millicores);
}

int quantity_parse_bytes(const char *text, long long *bytes)
{
	long long milli;

	if (quantity_milli(text, &milli) < 0 || milli % 1000)
		return -1;
	*bytes = milli / 1000;
	return 0;
}

int ipv4_parse(const char *s, size_t len, unsigned long *out)
{
	unsigned long v = 0;
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned n = 0, digits = 0;
		if (part) {
			if (i >= len || s[i] != '.')
				return -1;
			i++;
		}
		while (i < len && is_digit(s[i])) {
			if (digits && n == 0)
				return -1;	/* leading zero: octal to some readers */
			n = n * 10 + (unsigned)(s[i++] - '0');
			if (++digits > 3 || n > 255)
				return -1;
		}
		if (!digits)
			return -1;
		v = (v << 8) | n;
	}
	if (i != len)
		return -1;
	*out = v;
	return 0;
}

static void trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

int ipv4_pool_entry_valid(const char *text)
{
	const char *dash = strchr(text, '-'), *slash = strchr(text, '/');
	unsigned long a, b;

	if (dash && !slash) {
		const char *s1 = text, *s2 = dash + 1;
		size_t l1 = (size_t)(dash - text), l2 = strlen(s2);
		trim(&s1, &l1);
		trim(&s2, &l2);
		return !ipv4_parse(s1, l1, &a) && !ipv4_parse(s2, l2, &b) && a <= b;
	}
	if (slash && !dash) {
		const char *p = slash + 1;
		unsigned n = 0;
		if (ipv4_parse(text, (size_t)(slash - text), &a) < 0 || !is_digit(*p))
			return 0;
		if (*p == '0' && p[1])
			return 0;
		for (; is_digit(*p) && n <= 32; p++)
			n = n * 10 + (unsigned)(*p - '0');
		return !*p && n <= 32;
	}
	return 0;
}

/* v1.2.3, 1.2, 2.3.5, v1.36.4+k0s.1, v26.7.0-rc.1 */
int version_check(const char *v)
{
	const char *p = v + (*v == 'v');
	int parts = 0;

	for (;;) {
		if (!is_digit(*p))
			return -1;
		while (is_digit(*p))
			p++;
		parts++;
		if (*p != '.')
			break;
		p++;
	}
	if (parts < 2 || parts > 4)
		return -1;
	if (*p == '-' || *p == '+') {
		p++;
		if (!*p)
			return -1;
		for (; *p; p++) {
			int c = (unsigned char)*p;
			if (!is_digit(c) && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
			    c != '.' && c != '-' && c != '+')
				return -1;
		}
	}
	return *p ? -1 : 0;
}

int sha256_check(const char *v)
{
	size_t n = 0;

	for (; v[n]; n++) {
		int c = (unsigned char)v[n];
		if (!is_digit(c) && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F'))
			return -1;
	}
	return n == 64 ? 0 : -1;
}
