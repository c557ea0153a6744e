/* artifacts.h — the evidence a failed stage leaves on disk: its captures and each namespace's state. */
#ifndef NSH_ARTIFACTS_H
#define NSH_ARTIFACTS_H

#include "harness/run/capture_expect.h"
#include "harness/verdict/result.h"
#include "harness/world/world.h"

/* Writes the stage's captures (caps may be NULL: a stage whose step failed has none) as OUT/SCENARIO/STAGE/NS-IF.pcap and, when the stage failed, a state dump
 * per namespace as OUT/SCENARIO/STAGE/NS.state; records every path in st->artifacts.  What cannot be
 * written is reported on stderr and never fails the run. */
/* out_fd is the --out folder's descriptor (harness/base/outfile.h: outdir_open), out its path as given; the
 * folders and files under it are made without following links. */
void artifacts_write(struct world *w, int out_fd, const char *out, const struct stage *stage,
		     struct stage_captures *caps, struct stage_result *st);

/* Writes what the stage's programs (exec and script steps) printed as OUT/SCENARIO/STAGE/programs.log. */
void artifacts_write_log(int out_fd, const char *out, const struct scenario *sc, const struct stage *stage,
			 const char *log, struct stage_result *st);

#endif
