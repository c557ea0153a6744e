/* capture_expect.h — a stage's captures: "expect capture NS/IF ..." and the evidence kept on failure.
 *
 * The captures of a stage open before its first probe runs, with a filter for the flows of the stage's own
 * probes (their destinations, both directions, before and after NAT), and are drained and judged after its
 * last probe.  When evidence is wanted (--out), every veth end of the world is captured too, so a failed
 * stage's .pcap files show the inside source before NAT and the rewritten one after it.
 *
 * Memory: each "expect capture" keeps up to CAPTURE_MEMORY (1 MiB) of frames; the evidence captures of every
 * veth end share EVIDENCE_MEMORY (16 MiB) per stage, at most 1 MiB each (500 veth pairs: 16 KiB per end, not
 * 1 GB).  Frames past a capture's share are counted, not kept (capture_missed, in the check's evidence). */
#ifndef NSH_CAPTURE_EXPECT_H
#define NSH_CAPTURE_EXPECT_H

#include "harness/verdict/result.h"
#include "harness/world/world.h"

struct capture;

#define EVIDENCE_MEMORY (16u << 20)   /* the frames all of a stage's evidence captures keep, together */

/* The memory each of nends evidence captures may keep: EVIDENCE_MEMORY shared, at most 1 MiB each. */
size_t stage_evidence_memory(unsigned nends);

struct tap {
	struct ifref where;
	struct capture *cap;      /* NULL when it could not be opened (error says why) */
	char error[256];
};

struct stage_captures {
	struct tap *taps;
	unsigned ntaps;
	int *tap_of;              /* per expectation of the stage: its tap, or -1 */
	unsigned nflows;          /* the stage's probe flows (expectations that send traffic) */
};

/* capture_open's flags for a capture on where: CAPTURE_OWN_DEVICE for a veth end of the scenario's own, in a
 * world nsharness built, in a namespace where no user's program runs, in a scenario that sends no bulk TCP
 * (expect tcp ... bytes N); 0 otherwise (verify mode too). */
unsigned capture_flags_for(const struct world *w, const struct ifref *where);

/* Opens the captures the stage's expectations ask for, and with all_links every veth end's too.
 * 0, or -ENOMEM (then nothing is left open). */
int stage_captures_open(struct world *w, const struct stage *stage, bool all_links, struct stage_captures *sc);

/* Drains the capture of the stage's expectation i (an "expect capture") and judges it into c. */
void stage_capture_check(struct world *w, struct stage_captures *sc, unsigned i, const struct expect *e,
			 struct check *c);

/* True when c is a capture check that failed for want of any of the stage's probe traffic on its
 * interface: no evidence either way, so "expect capture ... fails" must not count it as the failure it wants. */
bool capture_saw_nothing(const struct check *c);

struct out_folder;
/* Drains every capture and writes each as NS-IF.pcap in the folder dir (a new file, no link followed: see
 * harness/base/outfile.h), adding the paths to st's artifacts. */
void stage_captures_write(struct world *w, struct stage_captures *sc, const struct out_folder *dir,
			  struct stage_result *st);

void stage_captures_close(struct stage_captures *sc);

#endif
