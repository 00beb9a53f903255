#ifndef KCFG_STATE_DIR_H
#define KCFG_STATE_DIR_H

struct strbuf;

/*
 * kcfg's local state directory (.kcfg/ beside the inventory: the PKI,
 * facts, downloads, logs) and the lock that lets one kcfg at a time
 * change it.
 *
 * The directory and its subdirectories are trusted only when they are
 * real directories (not symbolic links), owned by the user running kcfg
 * and writable by no one else: another user who could write there could
 * swap the CA or plant a link that makes kcfg write elsewhere.
 */

/*
 * Checks `path` as above; with `create`, makes it (0700, and its parents
 * as mkdir -p) when it is missing. Returns 0, 1 when it is missing and
 * not created, or -1 with the problem and its fix in `err`.
 */
int state_dir_check(const char *path, int create, struct strbuf *err);

/*
 * The lock: flock(2) on DIR/lock (opened without following a link,
 * created 0600), held until state_lock_release() or the process ends,
 * so a crashed kcfg never leaves it behind. The holder's pid and
 * `what` (e.g. "render") are written into the file for the message
 * another kcfg shows.
 */
struct state_lock {
	int fd;
};
#define STATE_LOCK_INIT { -1 }

#define STATE_LOCK_BUSY 1

/*
 * Takes the lock of the state directory `dir` (checked with
 * state_dir_check() first). Without `wait`, returns STATE_LOCK_BUSY when
 * another process holds it, with who in `err` ("pid 123, kcfg render");
 * with `wait`, blocks until it is free. Returns 0, STATE_LOCK_BUSY, or
 * -1 with a message in `err`.
 */
int state_lock_take(struct state_lock *lk, const char *dir, const char *what,
		    int wait, struct strbuf *err);
void state_lock_release(struct state_lock *lk);

#endif
