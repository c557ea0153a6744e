/* iptables_save.h — reading `iptables-save -c`: the forward policy, every rule's counter, and which of the
 * rules nsharness installed each one is.  Pure: for the unit tests.
 *
 * A rule is known by its key: table, chain, and its options as option groups ("-s 10.1.1.0/24",
 * "--ctstate ESTABLISHED,RELATED"), sorted, with "-m MODULE" left out and comma lists sorted, because
 * iptables-save prints a rule's options in its own order ("-s" before "-i", "-m tcp" before "--dport",
 * "RELATED,ESTABLISHED").  A rule someone else installed with the very same options as one of nsharness's is
 * taken for nsharness's (the first such rule, in chain order). */
#ifndef NSH_IPTABLES_SAVE_H
#define NSH_IPTABLES_SAVE_H

#include "harness/firewall/firewall.h"

#define IPT_KEY_LEN 512

/* One rule nsharness installed in one family. */
struct ipt_mine {
	const struct step *step;
	int family;               /* AF_INET or AF_INET6 */
	char key[IPT_KEY_LEN];
	bool claimed;             /* scratch for ipt_save_read */
};

/* The key of a command's words after the program's name ("-w", "-t", "nat", "-A", "POSTROUTING", ...).
 * 0, or -EINVAL when they append no rule (a policy, -P), -ENOSPC when the key does not fit. */
int ipt_key(char *const *words, unsigned n, char *key, size_t len);

/* Adds what one family's iptables-save -c text says to out: the FORWARD policy (packets summed, drop when
 * any family's drops) and each rule ("[P:B] -A CHAIN ...") in table and chain order, its step the first
 * unclaimed one of mine (of this family) with the same key, else NULL.  Returns true when the text holds a
 * FORWARD chain. */
bool ipt_save_read(const char *save, int family, struct ipt_mine *mine, unsigned nmine, struct fw_counters *out);

/* The key of a rule line of table as iptables-save writes it ("-A FORWARD -i veth0 -j DROP", no counter).
 * 0, -EINVAL or -ENOSPC as ipt_key. */
int ipt_line_key(const char *table, const char *line, char *key, size_t len);

#endif
