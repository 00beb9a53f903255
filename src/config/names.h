#ifndef KCFG_NAMES_H
#define KCFG_NAMES_H

struct strbuf;

/*
 * What kcfg accepts as a host name, an address and a user name, wherever
 * they come from (inventory.ini, cluster.yaml), and how an address goes
 * into a URL. Each check returns 1 when `s` is fine. Locale-free. What
 * passes is made of letters, digits and ".-_:" only and never starts
 * with '-': it is the same text in a path, an argv word, an sh word,
 * a sed or awk program and YAML, so it cannot turn into code there.
 */

/* The longest DNS name (RFC 1035), and a label of one. */
#define NAMES_DNS_MAX 253
#define NAMES_LABEL_MAX 63

/*
 * A name kcfg sets as a host's hostname (and Kubernetes uses as a node
 * name): RFC 1123 labels of lowercase letters, digits and '-' (not first
 * or last), joined by '.', at most 253 bytes, and not all digits and
 * dots (that reads as an IPv4 address).
 */
int names_hostname_ok(const char *s);

/* A lowercase DNS name of RFC 1123 labels (cluster.yaml's registry.name). */
int names_dns_ok(const char *s);
/* One such label (a namespace, a suffix). */
int names_label_ok(const char *s);

/* Dotted-quad IPv4: four decimal numbers 0-255 without leading zeros. */
int names_ipv4_ok(const char *s);
/* An IPv6 address in any form inet_pton takes (no brackets, no zone). */
int names_ipv6_ok(const char *s);
int names_ip_ok(const char *s);

/*
 * Where a host is reached (ansible_host): an IPv4 or IPv6 address, or a
 * DNS name (labels of letters, digits, '-' and '_', '-' not first or
 * last, an optional final '.', not all digits and dots).
 */
int names_address_ok(const char *s);

/*
 * A login name as useradd takes it (and cluster.yaml's and the
 * inventory's ansible_user): a lowercase letter or '_' first, then
 * lowercase letters, digits, '_' and '-', at most 32 bytes.
 */
int names_user_ok(const char *s);

/*
 * A network interface name (roce_netif): 1 to 15 (IFNAMSIZ - 1) letters,
 * digits, '_', '-' and '.', not '-' first, not "." or "..".
 */
int names_netif_ok(const char *s);

/*
 * A Kubernetes label value kcfg sets (the inventory's mig_config): 1 to
 * 63 (NAMES_LABEL_MAX) letters, digits, '-', '_' and '.', a letter or
 * digit at both ends (apimachinery validation.IsValidLabelValue, less
 * the empty value).
 */
int names_label_value_ok(const char *s);

/*
 * Appends `address` as the host part of a URL or of HOST:PORT: an IPv6
 * address in brackets ([fd00::12]), anything else as it is.
 */
void names_url_host(struct strbuf *out, const char *address);

#endif
