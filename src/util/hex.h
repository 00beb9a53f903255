#ifndef KCFG_UTIL_HEX_H
#define KCFG_UTIL_HEX_H

/* The value of hex digit `c` (0-9, a-f, A-F), or -1. */
int hex_digit(int c);

#endif
