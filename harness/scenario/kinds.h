/* kinds.h — what each kind of step and expectation is: one table row per kind.
 *
 * A kind is its enum value and payload (model.h), its row here, its runner row (world/steps.c for a step,
 * run/expect.c for an expectation, with its diagnosis hook) and, for an expectation, its probe (probes/).
 * Every other module asks these rows ("does it send traffic?", "is it installed by the firewall backend?")
 * instead of listing kinds, so a new kind is added without a hunt through the tree.
 *
 * The rows live beside the functions that parse them: step_kinds[] in parse_world.c, expect_kinds[] in
 * parse_expect.c.  Both are indexed by their enum and complete (a unit test checks every row). */
#ifndef NSH_KINDS_H
#define NSH_KINDS_H

#include "harness/scenario/model.h"

struct stmt;                  /* the parser's view of one statement (parse.h) */

enum step_flags {
	STEP_F_FIREWALL = 1 << 0, /* installed by the world's firewall backend, one atomic batch per stage */
	STEP_F_PROGRAM = 1 << 1,  /* runs a user's program (sandboxed) */
	STEP_F_REQUIREMENT = 1 << 2,   /* checks this machine (a trial in a throwaway namespace), in no namespace of
					  the world's; unmet, its stage and the rest cannot run here */
};

struct step_kind_desc {
	const char *word;         /* the statement that writes it ("forward" writes two kinds) */
	const char *usage;        /* its arguments, for messages: "NS/IF PREFIX" */
	int (*parse)(struct stmt *st);   /* reads the statement, appends its step(s); 0, or -1 once reported */
	unsigned flags;           /* enum step_flags */
	/* A firewall step's family: AF_INET, AF_INET6, or 0 for both; NULL for the other kinds. */
	int (*family)(const struct step *s);
};

extern const struct step_kind_desc step_kinds[STEP_KIND_COUNT];

enum expect_flags {
	EXPECT_F_TRAFFIC = 1 << 0,   /* sends a probe's packets through the world (a flow, below) */
	EXPECT_F_CAPTURE = 1 << 1,   /* judged from the stage's captures once its other probes ran */
	EXPECT_F_CONN = 1 << 2,      /* a connection (u.conn): peer-seen needs nsharness's own server */
};

/* The flow a traffic expectation sends: protocol (IPPROTO_TCP or IPPROTO_UDP, or 0 for an ICMP echo of the
 * destination's family), destination and port (0 for echo). */
struct expect_flow {
	int proto;
	const struct addr *dst;
	uint16_t port;
};

struct expect_kind_desc {
	const char *word;         /* after "expect": "ping" */
	const char *name;         /* "expect ping", for messages */
	const char *usage;        /* "NS ADDR" */
	int (*parse)(struct stmt *st, struct expect *e);
	unsigned flags;           /* enum expect_flags */
	void (*flow)(const struct expect *e, struct expect_flow *f);   /* EXPECT_F_TRAFFIC kinds only */
};

extern const struct expect_kind_desc expect_kinds[EXPECT_KIND_COUNT];

static inline const struct step_kind_desc *step_kind(const struct step *s)
{
	return &step_kinds[s->kind];
}

static inline const struct expect_kind_desc *expect_kind(const struct expect *e)
{
	return &expect_kinds[e->kind];
}

static inline bool step_is_firewall(const struct step *s)
{
	return step_kind(s)->flags & STEP_F_FIREWALL;
}

static inline bool expect_sends_traffic(const struct expect *e)
{
	return expect_kind(e)->flags & EXPECT_F_TRAFFIC;
}

/* peer-seen is told by nsharness's own server (a listen step): verify mode cannot have one. */
static inline bool expect_needs_server(const struct expect *e)
{
	return (expect_kind(e)->flags & EXPECT_F_CONN) && e->u.conn.has_peer;
}

/* The flow e sends; false (f untouched) for a kind that sends none. */
static inline bool expect_flow_of(const struct expect *e, struct expect_flow *f)
{
	if (!expect_sends_traffic(e))
		return false;
	expect_kind(e)->flow(e, f);
	return true;
}

#endif
