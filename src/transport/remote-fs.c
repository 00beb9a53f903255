/*
 * The sh functions that read and make files on a host without following
 * a link a user planted (remote-fs.h says what each guarantees).
 */
#include <string.h>

#include "transport/remote-fs.h"
#include "transport/shell.h"
#include "util/strbuf.h"
#include "util/banned.h"

const char remote_fs_read_functions[] =
	"unset CDPATH\n"
	"D= R= K=\n"
	/* jn NAME: NAME in the current directory, for messages */
	"jn() { printf '%s/%s' \"${D%/}\" \"$1\"; }\n"
	/* rc: only root can change the current directory (links in it are root's) */
	"rc() { _m=$(stat -c '%u %a' .) || return 1\n"
	"\tcase $_m in \"0 \"*[2367] | \"0 \"*[2367]?) return 1 ;; \"0 \"*) return 0 ;; esac\n"
	"\treturn 1; }\n"
	"enter() { [ \"$D\" != \"$1\" ] || [ -z \"$D\" ] || return 0\n"
	"\tD=; cd / || return 1\n"
	"\t_r=${1#/} _n=0\n"
	"\twhile [ -n \"$_r\" ]; do\n"
	"\t\t_c=${_r%%/*}\n"
	"\t\tcase $_r in */*) _r=${_r#*/} ;; *) _r= ;; esac\n"
	"\t\t_p=${PWD%/}\n"
	"\t\tcase $_c in '' | .) continue ;; esac\n"
	"\t\tif [ \"$_c\" = .. ]; then\n"
	"\t\t\t_e=${_p%/*}\n"
	"\t\t\tcd -P .. && [ \"$PWD\" = \"${_e:-/}\" ] ||\n"
	"\t\t\t\t{ echo \"'$_p' moved while kcfg used it\" >&2; cd /; return 1; }\n"
	"\t\t\tcontinue\n"
	"\t\tfi\n"
	"\t\tif [ -h \"./$_c\" ]; then\n"
	"\t\t\t_n=$((_n + 1))\n"
	"\t\t\t[ $_n -le 40 ] || { echo \"too many symbolic links on the way to '$1'\" >&2; return 1; }\n"
	"\t\t\trc || { echo \"'$_p/$_c' is a symbolic link in a directory that others than root \"\\\n"
	"\"can change: kcfg does not follow it; make it a directory, or have root own the directory it is in\" >&2\n"
	"\t\t\t\treturn 1; }\n"
	"\t\t\t_l=$(readlink -- \"./$_c\") || return 1\n"
	"\t\t\tcase $_l in /*) cd / || return 1 ;; esac\n"
	"\t\t\t_r=${_l#/}${_r:+/$_r}\n"
	"\t\t\tcontinue\n"
	"\t\tfi\n"
	"\t\tif ! cd -P \"./$_c\" 2>/dev/null; then\n"
	"\t\t\tif [ -d \"./$_c\" ]; then echo \"cannot enter '$_p/$_c'\" >&2; return 1; fi\n"
	"\t\t\tif [ -e \"./$_c\" ] || [ -h \"./$_c\" ]; then\n"
	"\t\t\t\techo \"'$_p/$_c' is not a directory\" >&2; return 1; fi\n"
	"\t\t\t[ \"$2\" = 1 ] || return 2\n"
	"\t\t\tmkdir -- \"./$_c\" && cd -P \"./$_c\" || return 1\n"
	"\t\tfi\n"
	"\t\t[ \"$PWD\" = \"$_p/$_c\" ] ||\n"
	"\t\t\t{ echo \"'$_p/$_c' was replaced while kcfg used it\" >&2; cd /; return 1; }\n"
	"\tdone\n"
	"\tD=$1; }\n"
	"rd() { dd if=\"./$1\" iflag=nofollow,nonblock bs=64k status=none; }\n";

const char remote_fs_write_functions[] =
	/* 64 random bits per temporary name, 16 names per read of /dev/urandom */
	"rn() { [ -n \"$R\" ] || R=$(od -An -vtx8 -N128 /dev/urandom) || return 1\n"
	"\tset -- $R; N=$1; shift; R=$*; [ -n \"$N\" ]; }\n"
	"ck() { if [ -h \"./$1\" ]; then\n"
	"\t\t[ \"$2\" = 1 ] || { echo \"'$(jn \"$1\")' is a symbolic link: kcfg neither follows \"\\\n"
	"\"nor replaces it; remove it, or make it a regular file\" >&2; return 1; }\n"
	"\telif [ -d \"./$1\" ]; then echo \"'$(jn \"$1\")' is a directory\" >&2; return 1; fi; }\n"
	/*
	 * dash's noclobber opens a missing name with O_EXCL. Temporaries an
	 * apply killed by SIGKILL left (same name pattern) go first; rm removes
	 * links, it never follows them.
	 */
	"X=[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]\n"
	"X=$X$X\n"
	"op() { _t=$1 _u=$2; set -- ./.\"$_t\".kcfg-$X\n"
	"\t{ [ -e \"$1\" ] || [ -h \"$1\" ]; } && rm -f -- \"$@\"\n"
	"\trn || return 1\n"
	"\tK=.$_t.kcfg-$N; umask \"$_u\"; set -C; command exec 3>\"./$K\"; _s=$?; set +C; umask 022\n"
	"\t[ $_s = 0 ] || { K=; echo \"cannot write '$(jn \"$_t\")'\" >&2; return 1; }; }\n"
"ab() { exec 3>&-; [ -z \"$K\" ] || rm -f -- \"./$K\"; K=; return 1; }\n"
	/* chown first: it clears setuid bits, which chmod then sets */
	"at() { { [ \"$2\" = - ] || chown -- \"$2\" /proc/self/fd/3; } &&\n"
	"\t{ [ \"$1\" = - ] || chmod -- \"$1\" /proc/self/fd/3; }; }\n"
	"bk() { [ \"$2\" = 1 ] && [ -f \"./$1\" ] && [ ! -h \"./$1\" ] && [ ! -e \"./$1.kcfg-orig\" ] &&\n"
	"\t[ ! -h \"./$1.kcfg-orig\" ] || return 0\n"
	"\tln -P -- \"./$1\" \"./$1.kcfg-orig\" 2>/dev/null && return 0\n"
	"\tumask 077; dd if=\"./$1\" iflag=nofollow,nonblock of=\"./$1.kcfg-orig\" conv=excl \\\n"
	"\t\toflag=nofollow status=none; _s=$?; umask 022; return $_s; }\n"
	"fin() { if at \"$2\" \"$3\" && exec 3>&- && bk \"$1\" \"$4\" && mv -fT -- \"./$K\" \"./$1\"; then\n"
	"\t\tK=; return 0; fi\n"
	"\tab; }\n"
	"cw() { ck \"$1\" 0 || return 1\n"
	"\t[ -f \"./$1\" ] || { echo \"'$(jn \"$1\")' is not a regular file\" >&2; return 1; }\n"
	"\top \"$1\" \"$2\" || return 1\n"
	"\trd \"$1\" >&3 && fin \"$1\" \"$3\" \"$4\" 0 || ab; }\n";

void remote_fs_add_dir_name(struct strbuf *s, const char *path)
{
	const char *slash = strrchr(path, '/');
	struct strbuf dir = STRBUF_INIT;

	if (!slash || slash == path)
		strbuf_addch(&dir, '/');
	else
		strbuf_add(&dir, path, (size_t)(slash - path));
	strbuf_addch(s, ' ');
	sq_quote(s, dir.buf);
	strbuf_addch(s, ' ');
	sq_quote(s, slash ? slash + 1 : path);
	strbuf_release(&dir);
}

void remote_fs_add_attrs(struct strbuf *s, unsigned mode, const char *owner)
{
	mode &= 07777;
	strbuf_addf(s, " %04o", 0777 & ~mode);
	if ((mode & 0666) == mode)
		strbuf_addstr(s, " -");
	else
		strbuf_addf(s, " %04o", mode);
	strbuf_addch(s, ' ');
	if (!owner || !strcmp(owner, "root:root"))
		strbuf_addch(s, '-');
	else
		sq_quote(s, owner);
}
