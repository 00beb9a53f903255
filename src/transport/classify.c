#include <ctype.h>
#include <string.h>
#include <sys/wait.h>

#include "transport/classify.h"
#include "util/banned.h"

/* "'name' (address)", or "'name'" when they are the same */
static void who(struct strbuf *sb, const struct session_target *t)
{
	strbuf_addf(sb, "'%s'", t->name);
	if (strcmp(t->name, t->address))
		strbuf_addf(sb, " (%s)", t->address);
}

/* The line of `text` containing `needle`, trimmed, as a new strbuf. */
static void line_with(const char *text, const char *needle, struct strbuf *out)
{
	const char *p = strstr(text, needle), *b, *e;

	if (!p)
		return;
	for (b = p; b > text && b[-1] != '\n'; b--)
		;
	e = strchr(p, '\n');
	strbuf_add(out, b, e ? (size_t)(e - b) : strlen(b));
	strbuf_trim(out);
	if (out->len && out->buf[out->len - 1] == '\r')
		strbuf_setlen(out, out->len - 1);
}

/* The last non-empty line of `text` (ssh's final word), trimmed. */
static void last_line(const char *text, struct strbuf *out)
{
	size_t len = strlen(text);

	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
		len--;
	size_t b = len;
	while (b && text[b - 1] != '\n')
		b--;
	strbuf_add(out, text + b, len - b);
	strbuf_trim(out);
}

static void lower_first(struct strbuf *sb)
{
	if (sb->len && isupper((unsigned char)sb->buf[0]) &&
	    !(sb->len > 1 && isupper((unsigned char)sb->buf[1])))
		sb->buf[0] = (char)tolower((unsigned char)sb->buf[0]);
}

static const char *const unreachable_words[] = {
	"No route to host", "Connection refused", "Connection timed out",
	"Operation timed out", "Network is unreachable", "Host is unreachable",
	"Could not resolve hostname", "Name or service not known",
	"Temporary failure in name resolution", "timed out during banner exchange",
	"Connection reset by peer",
};

enum session_error classify_sudo(const struct session_target *t, const char *errtext,
				 struct strbuf *msg, struct strbuf *hint)
{
	struct strbuf quser = STRBUF_INIT;
	const char *why;

	if (t->user)
		strbuf_addf(&quser, "'%s'", t->user);
	else
		strbuf_addstr(&quser, "the login user");

	if (strstr(errtext, "is not in the sudoers file") ||
	    strstr(errtext, "is not allowed to run sudo") ||
	    strstr(errtext, "may not run sudo")) {
		why = "the user is not allowed to use sudo";
		strbuf_addf(hint, "allow %s to use sudo on the host (e.g. the sudo group), "
			    "or log in as a user who may", quser.buf);
	} else if (strstr(errtext, "Sorry, try again") ||
		   strstr(errtext, "incorrect password attempt")) {
		why = "wrong password";
		strbuf_addstr(hint, "check ansible_become_password for this host, "
			      "or the password -K or --become-password-file gave");
	} else if (strstr(errtext, "a password is required") ||
		   strstr(errtext, "no password was provided")) {
		why = "a password is required";
		strbuf_addf(hint, "give the sudo password (ansible_become_password in the "
			    "vault, or -K to type it), or allow %s passwordless sudo",
			    quser.buf);
	} else if (strstr(errtext, "sudo: not found") ||
		   strstr(errtext, "sudo: command not found")) {
		why = "sudo is not installed";
		strbuf_addstr(hint, "install sudo on the host, or log in as root");
	} else if (strstr(errtext, "sudo: ")) {
		struct strbuf line = STRBUF_INIT;

		line_with(errtext, "sudo: ", &line);
		strbuf_addstr(msg, "sudo refused on ");
		who(msg, t);
		strbuf_addf(msg, ": %s", line.buf);
		strbuf_release(&line);
		strbuf_addstr(hint, "check the sudo settings for this user on the host");
		strbuf_release(&quser);
		return SESSION_ERR_SUDO;
	} else {
		strbuf_release(&quser);
		return SESSION_ERR_NONE;
	}
	strbuf_addstr(msg, "sudo refused on ");
	who(msg, t);
	strbuf_addf(msg, ": %s", why);
	strbuf_release(&quser);
	return SESSION_ERR_SUDO;
}

enum session_error classify_failure(const struct session_target *t,
				    enum session_state stage, const char *errtext,
				    int wstatus, struct strbuf *msg, struct strbuf *hint)
{
	struct strbuf line = STRBUF_INIT;
	enum session_error e;

	if (strstr(errtext, "REMOTE HOST IDENTIFICATION HAS CHANGED")) {
		strbuf_addstr(msg, "the host key of ");
		who(msg, t);
		strbuf_addstr(msg, " has changed");
		strbuf_addf(hint, "if the host was reinstalled, remove its old key with "
			    "'ssh-keygen -R %s' and connect once to accept the new one; "
			    "otherwise someone may be intercepting the connection", t->address);
		e = SESSION_ERR_HOSTKEY_CHANGED;
		goto out;
	}
	if (strstr(errtext, "Host key verification failed") ||
	    strstr(errtext, "host key is known for")) {
		strbuf_addstr(msg, "the host key of ");
		who(msg, t);
		strbuf_addstr(msg, " is not known");
		strbuf_addf(hint, "connect once with 'ssh %s' to check and accept it, or add "
			    "it to known_hosts", t->address);
		e = SESSION_ERR_HOSTKEY_UNKNOWN;
		goto out;
	}
	if (strstr(errtext, "Permission denied") ||
	    strstr(errtext, "Too many authentication failures")) {
		line_with(errtext, strstr(errtext, "Permission denied") ?
			  "Permission denied" : "Too many authentication failures", &line);
		strbuf_addstr(msg, "login to ");
		who(msg, t);
		if (t->user)
			strbuf_addf(msg, " as '%s'", t->user);
		strbuf_addstr(msg, " refused: ");
		/* "user@host: Permission denied (publickey)." -> "permission denied (publickey)" */
		{
			const char *p = strstr(line.buf, "Permission denied");
			struct strbuf tmp = STRBUF_INIT;

			strbuf_addstr(&tmp, p ? p : line.buf);
			if (tmp.len && tmp.buf[tmp.len - 1] == '.')
				strbuf_setlen(&tmp, tmp.len - 1);
			lower_first(&tmp);
			strbuf_addbuf(msg, &tmp);
			strbuf_release(&tmp);
		}
		strbuf_addstr(hint, "check ansible_user and ansible_ssh_private_key_file for "
			      "this host, or that ssh-agent holds the right key");
		e = SESSION_ERR_AUTH;
		goto out;
	}
	for (size_t i = 0; i < sizeof(unreachable_words) / sizeof(*unreachable_words); i++) {
		if (!strstr(errtext, unreachable_words[i]))
			continue;
		strbuf_addstr(msg, "cannot connect to ");
		who(msg, t);
		strbuf_addstr(msg, ": ");
		strbuf_addstr(&line, unreachable_words[i]);
		lower_first(&line);
		strbuf_addbuf(msg, &line);
		strbuf_addf(hint, "check that the host is up and that its ssh port is "
			    "reachable from here, e.g. with 'ssh -v %s'", t->address);
		e = SESSION_ERR_UNREACHABLE;
		goto out;
	}
	if (t->become && stage != SESSION_BOOTING &&
	    (e = classify_sudo(t, errtext, msg, hint)) != SESSION_ERR_NONE)
		goto out;

	last_line(errtext, &line);
	strbuf_addstr(msg, "connection to ");
	who(msg, t);
	strbuf_addstr(msg, " ended before the remote shell was ready");
	if (WIFEXITED(wstatus))
		strbuf_addf(msg, " (exit status %d)", WEXITSTATUS(wstatus));
	else if (WIFSIGNALED(wstatus))
		strbuf_addf(msg, " (killed by signal %d)", WTERMSIG(wstatus));
	if (line.len)
		strbuf_addf(msg, ": %s", line.buf);
	strbuf_addf(hint, "try 'ssh -v %s' to see why", t->address);
	e = SESSION_ERR_DIED;
out:
	strbuf_release(&line);
	return e;
}
