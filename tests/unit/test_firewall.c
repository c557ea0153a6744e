/* test_firewall.c — the backend chosen by name, and iptables-save -c read per rule: policy, counters, and
 * which step installed each rule (the save text is what iptables-nft 1.8.9 printed for these commands). */
#include "harness/firewall/firewall.h"
#include "harness/firewall/iptables_save.h"
#include "tests/unit/step_fixture.h"
#include "tests/unit/unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

/* forward host accept iif veth0 oif ens160 from 10.1.1.0/24 ct new,established,related */
static struct step accept_out(void)
{
	struct step s = step_of(STEP_FORWARD_RULE, 24, "forward host accept iif veth0 oif ens160 ...");

	s.u.rule.family = AF_INET;
	strcpy(s.u.rule.iif, "veth0");
	strcpy(s.u.rule.oif, "ens160");
	s.u.rule.has_from = true;
	s.u.rule.from = prefix_of("10.1.1.0", 24);
	s.u.rule.ct = CT_NEW | CT_ESTABLISHED | CT_RELATED;
	return s;
}

static struct step accept_in(void)
{
	struct step s = step_of(STEP_FORWARD_RULE, 25, "forward host accept iif ens160 oif veth0");

	s.u.rule.family = AF_INET;
	strcpy(s.u.rule.iif, "ens160");
	strcpy(s.u.rule.oif, "veth0");
	return s;
}

static const char save_text[] =
	"*filter\n"
	":INPUT ACCEPT [0:0]\n"
	":FORWARD DROP [3:252]\n"
	":OUTPUT ACCEPT [0:0]\n"
	"[7:588] -A FORWARD -p icmp -j DROP\n"
	"[2:168] -A FORWARD -s 10.1.1.0/24 -i veth0 -o ens160 -m conntrack --ctstate NEW,RELATED,ESTABLISHED -j ACCEPT\n"
	"[1:84] -A FORWARD -i ens160 -o veth0 -j ACCEPT\n"
	"COMMIT\n"
	"*nat\n"
	":PREROUTING ACCEPT [0:0]\n"
	":INPUT ACCEPT [0:0]\n"
	":OUTPUT ACCEPT [0:0]\n"
	":POSTROUTING ACCEPT [0:0]\n"
	"[0:0] -A PREROUTING -i ens160 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.1.1.1:80\n"
	"[1:60] -A POSTROUTING -s 10.1.1.0/24 -o ens160 -j MASQUERADE\n"
	"COMMIT\n";

/* What nsharness remembers of a step it installed: the key of its (one, IPv4) command. */
static void mine_of(const struct step *st, struct ipt_mine *m)
{
	struct iptables_tools tools;
	struct ipt_cmd cmds[IPT_MAX_CMDS];
	unsigned argc = 0;

	iptables_tools_init(&tools, BACKEND_IPTABLES_NFT, NULL);
	CU_ASSERT_EQUAL_FATAL(iptables_commands(st, &tools, cmds), 1);
	while (cmds[0].argv[argc])
		argc++;
	*m = (struct ipt_mine){ .step = st, .family = AF_INET };
	CU_ASSERT_EQUAL(ipt_key(cmds[0].argv + 1, argc - 1, m->key, sizeof(m->key)), 0);
}

static void test_ops_by_backend(void)
{
	for (unsigned b = 0; b < BACKEND_COUNT; b++) {
		const struct firewall_ops *ops = firewall_ops_for((enum backend)b);

		CU_ASSERT_PTR_NOT_NULL_FATAL(ops);
		CU_ASSERT_STRING_EQUAL(ops->name, backend_name[b]);
	}
	CU_ASSERT_PTR_EQUAL(firewall_ops_for(BACKEND_NFT), &firewall_nft);
	CU_ASSERT_PTR_EQUAL(firewall_ops_for(BACKEND_IPTABLES_LEGACY), &firewall_iptables_legacy);
	CU_ASSERT_PTR_NULL(firewall_ops_for(BACKEND_COUNT));
}

static void test_key_ignores_order_and_modules(void)
{
	char *cmd[] = { "-w", "-t", "nat", "-A", "PREROUTING", "-i", "ens160", "-p", "tcp", "--dport", "8080", "-j",
			"DNAT", "--to-destination", "10.1.1.1:80" };
	char *saved[] = { "-t", "nat", "-A", "PREROUTING", "-p", "tcp", "-m", "tcp", "--dport", "8080", "-i",
			  "ens160", "-j", "DNAT", "--to-destination", "10.1.1.1:80" };
	char *other[] = { "-t", "nat", "-A", "PREROUTING", "-p", "tcp", "--dport", "8081", "-i", "ens160", "-j",
			  "DNAT", "--to-destination", "10.1.1.1:80" };
	char a[IPT_KEY_LEN], b[IPT_KEY_LEN], c[IPT_KEY_LEN];

	CU_ASSERT_EQUAL(ipt_key(cmd, 15, a, sizeof(a)), 0);
	CU_ASSERT_EQUAL(ipt_key(saved, 16, b, sizeof(b)), 0);
	CU_ASSERT_EQUAL(ipt_key(other, 14, c, sizeof(c)), 0);
	CU_ASSERT_STRING_EQUAL(a, b);
	CU_ASSERT_STRING_NOT_EQUAL(a, c);
	CU_ASSERT_STRING_EQUAL(a, "nat PREROUTING|--dport 8080|--to-destination 10.1.1.1:80|-i ens160|-j DNAT|-p tcp");
}

static void test_key_of_policy_and_overflow(void)
{
	char *policy[] = { "-w", "-P", "FORWARD", "DROP" };
	char *rule[] = { "-A", "FORWARD", "-j", "ACCEPT" };
	char key[IPT_KEY_LEN], tiny[8];

	CU_ASSERT_EQUAL(ipt_key(policy, 4, key, sizeof(key)), -EINVAL);
	CU_ASSERT_EQUAL(ipt_key(rule, 4, tiny, sizeof(tiny)), -ENOSPC);
	CU_ASSERT_EQUAL(ipt_key(rule, 4, key, sizeof(key)), 0);
	CU_ASSERT_STRING_EQUAL(key, "filter FORWARD|-j ACCEPT");
}

static void test_save_rules_and_steps(void)
{
	struct step st[] = { accept_out(), accept_in(), seed_masquerade(), seed_dnat() };
	struct ipt_mine mine[4];
	struct fw_rule rules[8];
	struct fw_counters c = { .rules = rules, .max = 8 };

	for (unsigned i = 0; i < 4; i++)
		mine_of(&st[i], &mine[i]);
	CU_ASSERT_TRUE(ipt_save_read(save_text, AF_INET, mine, 4, &c));
	CU_ASSERT_TRUE(c.policy_drop);
	CU_ASSERT_EQUAL(c.policy_packets, 3);
	CU_ASSERT_EQUAL_FATAL(c.nrules, 5);
	CU_ASSERT_PTR_NULL(rules[0].step);   /* the icmp drop: someone else's rule, counted all the same */
	CU_ASSERT_EQUAL(rules[0].packets, 7);
	CU_ASSERT_PTR_EQUAL(rules[1].step, &st[0]);
	CU_ASSERT_EQUAL(rules[1].packets, 2);
	CU_ASSERT_EQUAL(rules[1].bytes, 168);
	CU_ASSERT_PTR_EQUAL(rules[2].step, &st[1]);
	CU_ASSERT_PTR_EQUAL(rules[3].step, &st[3]);
	CU_ASSERT_EQUAL(rules[3].packets, 0);
	CU_ASSERT_PTR_EQUAL(rules[4].step, &st[2]);
	CU_ASSERT_EQUAL(rules[4].packets, 1);
	CU_ASSERT_EQUAL(rules[4].family, AF_INET);
}

/* Two families add up; a step is claimed once; rules past max are counted, not written. */
static void test_save_families_and_limits(void)
{
	struct step st[] = { accept_in() };
	struct ipt_mine mine[1];
	struct fw_rule rules[2];
	struct fw_counters c = { .rules = rules, .max = 2 };
	const char v6[] = "*filter\n:FORWARD ACCEPT [5:400]\n[1:1] -A FORWARD -i ens160 -o veth0 -j ACCEPT\nCOMMIT\n";

	mine_of(&st[0], &mine[0]);
	CU_ASSERT_TRUE(ipt_save_read(save_text, AF_INET, mine, 1, &c));
	CU_ASSERT_TRUE(ipt_save_read(v6, AF_INET6, mine, 1, &c));
	CU_ASSERT_TRUE(c.policy_drop);
	CU_ASSERT_EQUAL(c.policy_packets, 8);
	CU_ASSERT_EQUAL(c.nrules, 6);
	CU_ASSERT_PTR_NULL(rules[0].step);
	CU_ASSERT_PTR_NULL(rules[1].step);   /* mine, but the accept_out step is not in this list */
	CU_ASSERT_FALSE(ipt_save_read("*nat\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n", AF_INET, mine, 1, &c));
}

UNIT_SUITE(firewall,
	   { "backend chosen by name", test_ops_by_backend },
	   { "rule key: option order and implied modules", test_key_ignores_order_and_modules },
	   { "rule key: a policy is no rule; overflow", test_key_of_policy_and_overflow },
	   { "iptables-save -c: policy, counters, steps", test_save_rules_and_steps },
	   { "iptables-save -c: two families, limits", test_save_families_and_limits })
