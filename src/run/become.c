/*
 * The sudo password for hosts that log in as a user other than root and
 * have none of their own: what -K or --become-password-file gave (cli/
 * reads it). As in Ansible, a host's own ansible_become_password wins.
 */
#include "run/run.h"
#include "util/banned.h"

void run_give_become_password(struct run *run, struct secret *password)
{
	secret_release(&run->given_become_password);
	run->given_become_password = *password;
	secret_init(password);
	for (size_t i = 0; i < run->nr; i++) {
		struct run_host *h = &run->hosts[i];

		if (h->t.become && !h->t.become_password)
			h->t.become_password = (const char *)run->given_become_password.buf;
	}
}
