/* step_fixture.h — hand-made steps and addresses for the firewall tests (no parser needed), and the check of
 * a step's nftables rule against libnftnl's own text of it.  The seed steps are those of scenarios/seed.scn,
 * at the lines the tests quote. */
#ifndef NSH_STEP_FIXTURE_H
#define NSH_STEP_FIXTURE_H

#include "harness/scenario/model.h"

/* An address or prefix from text; the family is IPv6 when the text has a ':'. */
struct addr addr_of(const char *text);
struct prefix prefix_of(const char *text, unsigned len);

/* A step of kind at seed.scn:line:3 whose statement text is text (not copied: a literal). */
struct step step_of(enum step_kind kind, unsigned line, const char *text);

/* masquerade host from 10.1.1.0/24 oif ens160   (seed.scn:28) */
struct step seed_masquerade(void);
/* dnat host iif ens160 tcp 8080 to 10.1.1.1:80   (seed.scn:30) */
struct step seed_dnat(void);

/* Asserts that s's nftables rule, as libnftnl prints it, is exactly expected (printing both when not). */
void nft_rule_is(const struct step *s, const char *expected);

#endif
