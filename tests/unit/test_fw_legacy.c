/* test_fw_legacy.c — an iptables-legacy table's entries, laid out as the kernel hands them to
 * IPT_SO_GET_ENTRIES (struct ipt_entry, its target, the ERROR entries), read rule by rule; and which rule's
 * counter moved between two readings. */
#include "harness/firewall/fw_legacy.h"
#include "tests/unit/unit.h"

#include <arpa/inet.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define STD_SIZE XT_ALIGN(sizeof(struct xt_standard_target))
#define ERR_SIZE XT_ALIGN(sizeof(struct xt_error_target))

struct table {
	uint8_t blob[2048];
	size_t size;
	unsigned hook_entry[NF_INET_NUMHOOKS], underflow[NF_INET_NUMHOOKS];
};

/* Appends an entry with target name (data of len bytes) and counter; returns its offset. */
static size_t entry(struct table *t, const char *name, const void *data, size_t len, uint64_t packets,
		    void (*match)(struct ipt_entry *))
{
	size_t off = t->size, tsize = XT_ALIGN(sizeof(struct xt_entry_target) + len);
	struct ipt_entry *e = (struct ipt_entry *)(t->blob + off);
	struct xt_entry_target *target = (struct xt_entry_target *)(e + 1);

	memset(e, 0, sizeof(*e) + tsize);
	e->target_offset = sizeof(*e);
	e->next_offset = (uint16_t)(sizeof(*e) + tsize);
	e->counters.pcnt = packets;
	target->u.user.target_size = (uint16_t)tsize;
	snprintf(target->u.user.name, sizeof(target->u.user.name), "%s", name);
	memcpy(target->data, data, len);
	if (match)
		match(e);
	t->size += e->next_offset;
	return off;
}

static size_t standard(struct table *t, int verdict, uint64_t packets)
{
	return entry(t, XT_STANDARD_TARGET, &verdict, sizeof(verdict), packets, NULL);
}

static void forward_icmp(struct ipt_entry *e)
{
	snprintf(e->ip.iniface, sizeof(e->ip.iniface), "veth0");
	snprintf(e->ip.outiface, sizeof(e->ip.outiface), "ens160");
	e->ip.proto = IPPROTO_ICMP;
	inet_pton(AF_INET, "10.1.1.0", &e->ip.src);
	inet_pton(AF_INET, "255.255.255.0", &e->ip.smsk);
}

/* filter: INPUT accept; FORWARD: one REJECT rule, policy drop; OUTPUT accept; the end. */
static void filter(struct table *t, uint64_t rejected, uint64_t policy_dropped)
{
	int reject_with = 3;   /* struct ipt_reject_info's icmp-port-unreachable: only its room matters here */
	char end[XT_FUNCTION_MAXNAMELEN] = XT_ERROR_TARGET;

	memset(t, 0, sizeof(*t));
	t->hook_entry[NF_INET_LOCAL_IN] = t->underflow[NF_INET_LOCAL_IN] = (unsigned)standard(t, -NF_ACCEPT - 1, 7);
	t->hook_entry[NF_INET_FORWARD] = (unsigned)entry(t, "REJECT", &reject_with, sizeof(reject_with), rejected,
							 forward_icmp);
	t->underflow[NF_INET_FORWARD] = (unsigned)standard(t, -NF_DROP - 1, policy_dropped);
	t->hook_entry[NF_INET_LOCAL_OUT] = t->underflow[NF_INET_LOCAL_OUT] = (unsigned)standard(t, -NF_ACCEPT - 1, 2);
	entry(t, XT_ERROR_TARGET, end, sizeof(end), 0, NULL);
}

static const unsigned hooks = 1u << NF_INET_LOCAL_IN | 1u << NF_INET_FORWARD | 1u << NF_INET_LOCAL_OUT;

static void test_parse(void)
{
	struct fw_legacy l = { 0 };
	struct table t;

	filter(&t, 1, 0);
	CU_ASSERT_EQUAL_FATAL(fw_legacy_parse(AF_INET, "filter", hooks, t.hook_entry, t.underflow, t.blob, t.size, &l), 0);
	CU_ASSERT_EQUAL_FATAL(l.n, 4);
	CU_ASSERT(l.any);
	CU_ASSERT(l.v[0].policy && !strcmp(l.v[0].chain, "INPUT") && !strcmp(l.v[0].target, "ACCEPT"));
	CU_ASSERT_EQUAL(l.v[0].packets, 7);
	CU_ASSERT(!l.v[1].policy && !strcmp(l.v[1].chain, "FORWARD") && l.v[1].pos == 0);
	CU_ASSERT_STRING_EQUAL(l.v[1].target, "REJECT");
	CU_ASSERT_STRING_EQUAL(l.v[1].text, "-A FORWARD -s 10.1.1.0/24 -i veth0 -o ens160 -p icmp -j REJECT");
	CU_ASSERT(l.v[2].policy && !strcmp(l.v[2].chain, "FORWARD") && !strcmp(l.v[2].target, "DROP"));
	CU_ASSERT_EQUAL(l.v[2].pos, 1);
	CU_ASSERT_STRING_EQUAL(l.v[3].chain, "OUTPUT");
	CU_ASSERT_EQUAL(fw_legacy_parse(AF_INET, "filter", hooks, t.hook_entry, t.underflow, t.blob, t.size - 8, &l),
			-EINVAL);
	fw_legacy_free(&l);
	fw_legacy_free(&l);
	fw_legacy_free(NULL);
}

static void read_filter(struct fw_legacy *l, uint64_t rejected, uint64_t dropped)
{
	struct table t;

	filter(&t, rejected, dropped);
	*l = (struct fw_legacy){ 0 };
	CU_ASSERT_EQUAL_FATAL(fw_legacy_parse(AF_INET, "filter", hooks, t.hook_entry, t.underflow, t.blob, t.size, l), 0);
}

static void test_moved(void)
{
	struct fw_legacy before, rule, policy, same;
	const struct fw_legacy_rule *r;
	uint64_t delta;

	read_filter(&before, 4, 10);
	read_filter(&rule, 5, 10);
	read_filter(&policy, 4, 13);
	read_filter(&same, 4, 10);
	r = fw_legacy_moved_drop(&before, &rule, &delta);
	CU_ASSERT(r && !r->policy && !strcmp(r->target, "REJECT") && delta == 1);
	r = fw_legacy_moved_drop(&before, &policy, &delta);
	CU_ASSERT(r && r->policy && !strcmp(r->chain, "FORWARD") && delta == 3);
	CU_ASSERT_PTR_NULL(fw_legacy_moved_drop(&before, &same, &delta));
	CU_ASSERT_EQUAL(delta, 0);
	fw_legacy_free(&before);
	fw_legacy_free(&rule);
	fw_legacy_free(&policy);
	fw_legacy_free(&same);
}

static struct addr ip(const char *text)
{
	struct addr a;

	CU_ASSERT_EQUAL_FATAL(addr_parse(text, &a), ADDR_OK);
	return a;
}

static bool may_from(const struct fw_legacy_rule *r, const void *arg)
{
	struct addr to = ip("10.1.1.1");

	return fw_legacy_may_match_icmp(r, arg, 1, &to, 1);
}

/* Which rules may match ICMP from a router's address to the client: -s, -d, -p and their "!". */
static void test_may_match_icmp(void)
{
	struct fw_legacy before, after;
	struct fw_legacy_rule r;
	struct addr in = ip("10.1.1.2"), out = ip("10.2.2.2"), to = ip("10.1.1.1"), v6 = ip("2001:db8::1");
	const struct fw_legacy_rule *moved;
	uint64_t delta;

	read_filter(&before, 4, 10);
	read_filter(&after, 5, 13);
	r = after.v[1];   /* -A FORWARD -s 10.1.1.0/24 -i veth0 -o ens160 -p icmp -j REJECT */
	CU_ASSERT(fw_legacy_may_match_icmp(&r, &in, 1, &to, 1));
	CU_ASSERT(!fw_legacy_may_match_icmp(&r, &out, 1, &to, 1));
	CU_ASSERT(!fw_legacy_may_match_icmp(&r, &v6, 1, &to, 1));
	CU_ASSERT(fw_legacy_may_match_icmp(&r, (struct addr[]){ out, in }, 2, &to, 1));
	r.invflags |= IPT_INV_SRCIP;   /* ! -s 10.1.1.0/24 */
	CU_ASSERT(!fw_legacy_may_match_icmp(&r, &in, 1, &to, 1));
	CU_ASSERT(fw_legacy_may_match_icmp(&r, &out, 1, &to, 1));
	r.invflags = 0;
	r.proto = IPPROTO_UDP;
	CU_ASSERT(!fw_legacy_may_match_icmp(&r, &in, 1, &to, 1));
	r.invflags = XT_INV_PROTO;    /* ! -p udp */
	CU_ASSERT(fw_legacy_may_match_icmp(&r, &in, 1, &to, 1));
	r.proto = IPPROTO_ICMP;       /* ! -p icmp */
	CU_ASSERT(!fw_legacy_may_match_icmp(&r, &in, 1, &to, 1));
	CU_ASSERT(fw_legacy_may_match_icmp(&after.v[2], &out, 1, &to, 1));   /* a policy takes whatever reaches it */

	/* both moved: the REJECT from 10.1.1.0/24 cannot match ICMP from 10.2.2.2, the policy can */
	moved = fw_legacy_moved_drop_if(&before, &after, may_from, &out, &delta);
	CU_ASSERT(moved && moved->policy && delta == 3);
	moved = fw_legacy_moved_drop_if(&before, &after, may_from, &in, &delta);
	CU_ASSERT(moved && !moved->policy && delta == 1);
	fw_legacy_free(&before);
	fw_legacy_free(&after);
}

UNIT_SUITE(fw_legacy, { "parse: a table's entries as the kernel lays them out", test_parse },
	   { "moved: the dropping rule or policy whose counter rose", test_moved },
	   { "which rules may match ICMP errors from a router to a client", test_may_match_icmp })
