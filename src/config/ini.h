#ifndef KCFG_INI_H
#define KCFG_INI_H

#include <stddef.h>

struct diag_list;
struct inventory;

/*
 * The Ansible INI inventory dialect, parsed as ansible-core's ini
 * inventory plugin parses it: [group], [group:vars], [group:children],
 * hosts before any section (ungrouped), host ranges (node[01:20],
 * gpu[1:7:2], node-[a:f]), host:port, shell-like quoting and '#'
 * comments on host lines, and Python literal typing of values.
 *
 * Parses `len` bytes of `buf` into `inv` (from inventory_init, named by
 * its file for diagnostics). Every problem goes to `dl` with its line
 * and column; parsing goes on after an error so that all are reported
 * (up to INI_MAX_ERRORS). Returns the number of errors; on 0 the
 * inventory is finished (inventory_finish) and ready to use.
 */
#define INI_MAX_ERRORS 100

int ini_parse(struct inventory *inv, const char *buf, size_t len, struct diag_list *dl);

#endif
