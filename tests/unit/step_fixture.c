/* step_fixture.c — see step_fixture.h. */
#include "tests/unit/step_fixture.h"
#include "harness/firewall/nft.h"

#include <CUnit/CUnit.h>
#include <arpa/inet.h>
#include <libnftnl/rule.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

struct addr addr_of(const char *text)
{
	struct addr a = { .family = strchr(text, ':') ? AF_INET6 : AF_INET };

	inet_pton(a.family, text, a.bytes);
	return a;
}

struct prefix prefix_of(const char *text, unsigned len)
{
	return (struct prefix){ addr_of(text), len };
}

struct step step_of(enum step_kind kind, unsigned line, const char *text)
{
	return (struct step){ .kind = kind, .loc = { "seed.scn", line, 3 }, .text = (char *)text };
}

struct step seed_masquerade(void)
{
	struct step s = step_of(STEP_MASQUERADE, 28, "masquerade host from 10.1.1.0/24 oif ens160");

	s.u.nat.family = AF_INET;
	s.u.nat.has_from = true;
	s.u.nat.from = prefix_of("10.1.1.0", 24);
	strcpy(s.u.nat.oif, "ens160");
	return s;
}

struct step seed_dnat(void)
{
	struct step s = step_of(STEP_DNAT, 30, "dnat host iif ens160 tcp 8080 to 10.1.1.1:80");

	s.u.dnat.proto = IPPROTO_TCP;
	strcpy(s.u.dnat.iif, "ens160");
	s.u.dnat.port = 8080;
	s.u.dnat.to = addr_of("10.1.1.1");
	s.u.dnat.to_port = 80;
	return s;
}

void nft_rule_is(const struct step *s, const char *expected)
{
	char text[2048] = "";
	struct nftnl_rule *r = nft_rule_from_step(s);

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	nftnl_rule_snprintf(text, sizeof(text), r, NFTNL_OUTPUT_DEFAULT, 0);
	nftnl_rule_free(r);
	CU_ASSERT_STRING_EQUAL(text, expected);
	if (strcmp(text, expected))
		printf("\n%s: got\n%s\nwanted\n%s\n", s->text, text, expected);
}
