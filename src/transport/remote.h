#ifndef KCFG_REMOTE_H
#define KCFG_REMOTE_H

struct session_target;
struct strbuf;

/*
 * The far side of a session, as shell text. The channel runs
 * remote_command(): a one-line bootstrap (through sudo when becoming
 * root) that says REMOTE_HELLO on stderr, reads "LEN\n" and LEN bytes of
 * remote_loop() from stdin and runs them. The loop then reads steps:
 *
 *     s ID LEN TIMEOUT_S\n  + LEN bytes of script  (stdin: /dev/null)
 *     u ID LEN TIMEOUT_S\n  + LEN bytes of script  (stdin: the channel;
 *                             the script reads exactly its data)
 *     q 0 0 0\n             exit
 *
 * and after each writes the end marker of frame.h on stdout and stderr.
 * The nonce travels inside the loop's text on stdin, never in argv.
 */
#define REMOTE_HELLO "kcfg-hello"
#define REMOTE_SUDO_PROMPT "kcfg-sudo-password:"

/* The command line given to the channel (ssh's remote command). */
void remote_command(const struct session_target *t, struct strbuf *cmd);
/* The loop's text for `nonce`. */
void remote_loop(const char *nonce, struct strbuf *loop);

#endif
