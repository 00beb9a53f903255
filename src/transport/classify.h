#ifndef KCFG_CLASSIFY_H
#define KCFG_CLASSIFY_H

#include "transport/session.h"

/*
 * Turns what a channel left behind when it ended before the remote shell
 * was ready (ssh's and sudo's messages on stderr, its wait status) into
 * an error kind, a message and a hint about the target `t`. `stage` is
 * the session state it ended in (CONNECTING, SUDO or BOOTING).
 */
enum session_error classify_failure(const struct session_target *t,
				    enum session_state stage, const char *errtext,
				    int wstatus, struct strbuf *msg, struct strbuf *hint);

/*
 * Looks at stderr while sudo may be asking: returns SESSION_ERR_SUDO with
 * msg/hint set when sudo has visibly refused (it may keep running and
 * wait for more passwords), else SESSION_ERR_NONE.
 */
enum session_error classify_sudo(const struct session_target *t, const char *errtext,
				 struct strbuf *msg, struct strbuf *hint);

#endif
