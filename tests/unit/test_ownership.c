/* test_ownership.c — every *_free, *_release, *_destroy and *_close takes NULL, and a zeroed object where
 * that is cheap, and leaves a caller-held struct empty (docs/ownership.md). */
#include "unit.h"

#include "harness/base/nl.h"
#include "harness/firewall/firewall.h"
#include "harness/firewall/nft.h"
#include "harness/run/capture_expect.h"
#include "harness/sandbox/sandbox.h"
#include "harness/sandbox/sandbox_keeper.h"
#include "harness/scenario/parse.h"
#include "harness/verdict/result.h"
#include "harness/world/statedump.h"
#include "harness/world/steps.h"
#include "harness/world/world.h"
#include "probes/capture.h"
#include "probes/conn.h"

#include <stdlib.h>
#include <string.h>

static void test_null(void)
{
	capture_close(NULL);
	firewall_release(NULL);
	keeper_plan_free(NULL);
	ifaces_free(NULL);
	listener_close(NULL);
	nft_batch_free(NULL);
	nft_ns_free(NULL);
	nl_close(NULL);
	sandbox_result_free(NULL);
	scenario_free(NULL);
	scenario_result_free(NULL);
	sd_links_free(NULL);
	stage_captures_close(NULL);
	world_destroy(NULL);
	CU_PASS("no free dereferenced NULL");
}

/* Zeroed, and freed twice: the second call finds an empty struct.  Each must still be all zero after. */
#define FREE_ZEROED(type, fn)                                                   \
	do {                                                                    \
		type *obj = calloc(1, sizeof(type)), *zero = calloc(1, sizeof(type)); \
		CU_ASSERT_PTR_NOT_NULL_FATAL(obj);                               \
		CU_ASSERT_PTR_NOT_NULL_FATAL(zero);                              \
		fn(obj);                                                        \
		fn(obj);                                                        \
		CU_ASSERT(memcmp(obj, zero, sizeof(type)) == 0);                 \
		free(obj);                                                      \
		free(zero);                                                     \
	} while (0)

static void test_zeroed(void)
{
	FREE_ZEROED(struct keeper_plan, keeper_plan_free);
	FREE_ZEROED(struct parser, ifaces_free);
	FREE_ZEROED(struct nft_batch, nft_batch_free);
	FREE_ZEROED(struct nl, nl_close);
	FREE_ZEROED(struct scenario_result, scenario_result_free);
	FREE_ZEROED(struct sd_links, sd_links_free);
	FREE_ZEROED(struct stage_captures, stage_captures_close);
	FREE_ZEROED(struct firewall, firewall_release);
}

/* A world holds descriptors (its user namespace, its namespaces): "none" is -1 there, as world_create leaves a
 * world it could not finish, and world_destroy leaves it so, twice over. */
static void test_world_empty(void)
{
	struct world *w = calloc(1, sizeof(*w));

	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	w->owner = -1;
	world_destroy(w);
	world_destroy(w);
	CU_ASSERT_EQUAL(w->owner, -1);
	CU_ASSERT_EQUAL(w->nns, 0);
	free(w);
}

/* A sandbox result holds descriptors: "none" is -1 there, and its free leaves them so. */
static void test_sandbox_result_empty(void)
{
	struct sandbox_result r;

	memset(&r, 0, sizeof(r));
	for (unsigned i = 0; i < MAX_NETNS; i++)
		r.fds[i] = -1;
	r.output = strdup("printed");
	sandbox_result_free(&r);
	sandbox_result_free(&r);
	CU_ASSERT_PTR_NULL(r.output);
	for (unsigned i = 0; i < MAX_NETNS; i++)
		CU_ASSERT_EQUAL(r.fds[i], -1);
}

/* A result is sized for its scenario's stages, owns its expectations and artifacts, and frees to empty. */
static void test_scenario_result_sized(void)
{
	struct scenario *sc = calloc(1, sizeof(*sc));
	struct scenario_result r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	sc->nstages = 3;
	CU_ASSERT_EQUAL_FATAL(scenario_result_init(&r, sc), 0);
	CU_ASSERT(r.scenario == sc && r.stages && r.nstages == 0);
	r.stages[2].status = STAGE_SKIP;   /* the last one exists */
	r.nstages = 3;
	r.stages[0].expects = calloc(2, sizeof(*r.stages[0].expects));
	r.stages[0].artifacts[0] = strdup("out/a.pcap");
	r.stages[0].nartifacts = 1;
	scenario_result_free(&r);
	CU_ASSERT(r.stages == NULL && r.nstages == 0);
	scenario_result_free(&r);
	free(sc);
}

UNIT_SUITE(ownership, { "every free takes NULL", test_null }, { "zeroed objects, freed twice", test_zeroed },
	   { "a world with no descriptors, destroyed twice", test_world_empty },
	   { "a sandbox result's descriptors", test_sandbox_result_empty },
	   { "a scenario result sized for its stages", test_scenario_result_sized })
