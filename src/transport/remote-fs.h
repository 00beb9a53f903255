#ifndef KCFG_REMOTE_FS_H
#define KCFG_REMOTE_FS_H

struct strbuf;

/*
 * Reading and making files on a host without following a symbolic link
 * that anyone but root could have put in the way. kcfg runs as root; a
 * user who can write a directory holding a managed file (their home, a
 * group-writable tree) can rename, replace or link any name in it at any
 * moment, so every operation by path after a check is a race. These sh
 * functions (POSIX sh, coreutils; no fork in the common case) are what
 * the apply, observe and upload scripts use instead:
 *
 *   enter DIR MK   makes DIR the current directory, one component at a
 *                  time, each checked after `cd -P` to be where it should
 *                  be; a symbolic link on the way is followed only when
 *                  the directory holding it is root's and only root can
 *                  write it (so root put it there: /var/run, /home ->
 *                  /data/home), else refused. MK=1 makes missing
 *                  directories (0755 with the scripts' umask 022). Returns 2
 *                  when a directory is missing (and MK is not 1). Every
 *                  later operation uses names relative to it, so a link
 *                  planted higher up later changes nothing. Sets D to DIR
 *                  (its cache: entering D again is free).
 *   rd NAME        NAME's content on stdout, opened without following a
 *                  link and without blocking on a FIFO.
 *   ck NAME L      NAME may be replaced: not a directory, and not a
 *                  symbolic link unless L is 1 (it is then replaced,
 *                  never followed).
 *   op NAME UMASK  a new temporary file beside NAME, created exclusively
 *                  (O_EXCL: nothing at that name is followed or reused)
 *                  under a name with 64 random bits, open on fd 3, with
 *                  the mode UMASK gives it: never wider than the final
 *                  mode. K names it for the scripts' traps.
 *   fin NAME MODE OWNER BACKUP
 *                  sets owner, then mode ('-': leave) through fd 3
 *                  (/proc/self/fd/3 is the open file, whatever the name
 *                  now is), keeps the first version of NAME as
 *                  NAME.kcfg-orig when BACKUP is 1 (a hard link; a copy
 *                  made exclusively where links are not possible), and
 *                  renames the temporary over NAME (`mv -T`: a link there
 *                  is replaced, never followed, and never moved into).
 *   ab             drops the temporary after a failure.
 *   cw NAME UMASK MODE OWNER
 *                  NAME rewritten from its own content with new attributes
 *                  (how kcfg changes the mode or owner of a regular file).
 *
 * The scripts run with umask 022 (commands expect it); op sets the umask
 * only around its own open.
 */

/* enter, rd and their helpers: what reading a host needs. */
extern const char remote_fs_read_functions[];
/* ck, op, fin, ab, cw and theirs: after remote_fs_read_functions. */
extern const char remote_fs_write_functions[];

/* Appends " 'DIR' 'NAME'" for an absolute path ("/a" -> "/" and "a"). */
void remote_fs_add_dir_name(struct strbuf *s, const char *path);

/*
 * Appends " UMASK MODE OWNER" for a file that must end with `mode` and
 * `owner` ("user:group", NULL or "root:root" for root): the umask that
 * creates it with mode & 0666, MODE '-' when that is already `mode` (no
 * chmod forked), OWNER '-' for root.
 */
void remote_fs_add_attrs(struct strbuf *s, unsigned mode, const char *owner);

#endif
