/* capture_expect.c — a stage's captures: opened before its probes, judged after them. */
#include "harness/run/capture_expect.h"
#include "harness/base/outfile.h"
#include "harness/scenario/kinds.h"
#include "probes/capture.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAPTURE_MEMORY (1 << 20)  /* per capture and stage; past it frames are counted, not kept */
#define DRAIN_QUIET_MS 5          /* evidence files: the frames still in flight are worth a short wait */
/* Judging waits for nothing: every frame a probe's outcome depends on is queued before that outcome.  The
 * kernel hands a packet to packet sockets as it leaves or enters the interface, before it goes on its way; so
 * a request seen leaving the uplink was queued before its reply could come back, and a probe that timed out
 * sent its packets long before.  What may still be in flight is a flow's teardown after the probe ended. */
#define JUDGE_QUIET_MS 0

/* The probe flows of a stage, each as pcap filter text, or'ed together.  Returns how many flows there are;
 * with none, the filter takes every IP packet (the evidence files still show what crossed). */
static unsigned stage_filter(const struct scenario *sc, const struct stage *stage, char *buf, size_t len)
{
	unsigned nflows = 0;
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < stage->nexpects; i++) {
		struct expect_flow f;
		char one[256];

		if (!expect_flow_of(&sc->expects[stage->first_expect + i], &f) ||
		    capture_filter_for(one, sizeof(one), f.dst, f.proto, f.port))
			continue;
		nflows++;
		if (used + strlen(one) + 8 < len)
			used += snprintf(buf + used, len - used, "%s(%s)", used ? " or " : "", one);
	}
	if (!used)
		snprintf(buf, len, "ip or ip6");
	return nflows;
}

static int tap_find(const struct stage_captures *sc, const struct ifref *where)
{
	for (unsigned i = 0; i < sc->ntaps; i++)
		if (sc->taps[i].where.ns == where->ns && !strcmp(sc->taps[i].where.name, where->name))
			return (int)i;
	return -1;
}

size_t stage_evidence_memory(unsigned nends)
{
	size_t share = nends ? EVIDENCE_MEMORY / nends : EVIDENCE_MEMORY;

	return share < CAPTURE_MEMORY ? share : CAPTURE_MEMORY;
}

/* A veth end the scenario made, in a world nsharness built, in a namespace where no user's program runs (it
 * could add a qdisc, netdev chains, or move the device): its captures may read nsharness's own NFLOG group
 * (probes/capture_nflog.h).  Anything else, and every interface in verify mode, gets a packet socket.  So does
 * every capture of a scenario that sends bulk TCP (expect tcp ... bytes N): TCP hands the device segments
 * of up to 64 KiB that the kernel cuts to the MSS after the egress hook, where packet sockets see them cut. */
unsigned capture_flags_for(const struct world *w, const struct ifref *where)
{
	const struct scenario *s = w->sc;
	bool veth = false;

	if (w->attached)
		return 0;
	for (unsigned i = 0; i < s->nexpects; i++)
		if (s->expects[i].kind == EXPECT_TCP && s->expects[i].u.conn.bytes)
			return 0;
	for (unsigned i = 0; i < s->nsteps; i++) {
		const struct step *st = &s->steps[i];

		if ((st->kind == STEP_EXEC || st->kind == STEP_SCRIPT || st->kind == STEP_SERVICE) && st->ns == where->ns)
			return 0;
		if (st->kind == STEP_VETH)
			veth = veth || (st->u.veth.a.ns == where->ns && !strcmp(st->u.veth.a.name, where->name)) ||
			       (st->u.veth.b.ns == where->ns && !strcmp(st->u.veth.b.name, where->name));
	}
	return veth ? CAPTURE_OWN_DEVICE : 0;
}

/* The tap on where, opened on first use with mem bytes for its frames.  Returns its index. */
static int tap_get(struct world *w, struct stage_captures *sc, const struct ifref *where, const char *filter,
		   size_t mem)
{
	int i = tap_find(sc, where);
	struct tap *t;

	if (i >= 0)
		return i;
	t = &sc->taps[sc->ntaps];
	t->where = *where;
	t->cap = capture_open(w->ns[where->ns].fd, where->name, filter, mem, capture_flags_for(w, where), t->error, sizeof(t->error));
	return (int)sc->ntaps++;
}

static unsigned count_veth_ends(const struct scenario *s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < s->nsteps; i++)
		n += s->steps[i].kind == STEP_VETH ? 2 : 0;
	return n;
}

int stage_captures_open(struct world *w, const struct stage *stage, bool all_links, struct stage_captures *sc)
{
	const struct scenario *s = w->sc;
	unsigned most = stage->nexpects + (all_links ? count_veth_ends(s) : 0);
	char filter[4096];

	memset(sc, 0, sizeof(*sc));
	sc->taps = calloc(most ? most : 1, sizeof(*sc->taps));
	sc->tap_of = calloc(stage->nexpects ? stage->nexpects : 1, sizeof(*sc->tap_of));
	if (!sc->taps || !sc->tap_of) {
		stage_captures_close(sc);
		return -ENOMEM;
	}
	sc->nflows = stage_filter(s, stage, filter, sizeof(filter));
	for (unsigned i = 0; i < stage->nexpects; i++) {
		const struct expect *e = &s->expects[stage->first_expect + i];

		sc->tap_of[i] = expect_kind(e)->flags & EXPECT_F_CAPTURE ?
					tap_get(w, sc, &e->u.capture.where, filter, CAPTURE_MEMORY) : -1;
	}
	for (unsigned i = 0; all_links && i < s->nsteps; i++) {
		if (s->steps[i].kind != STEP_VETH)
			continue;
		tap_get(w, sc, &s->steps[i].u.veth.a, filter, stage_evidence_memory(count_veth_ends(s)));
		tap_get(w, sc, &s->steps[i].u.veth.b, filter, stage_evidence_memory(count_veth_ends(s)));
	}
	return 0;
}

void stage_captures_close(struct stage_captures *sc)
{
	if (!sc)
		return;
	for (unsigned i = 0; sc->taps && i < sc->ntaps; i++)
		capture_close(sc->taps[i].cap);
	free(sc->taps);
	free(sc->tap_of);
	memset(sc, 0, sizeof(*sc));
}

void stage_captures_write(struct world *w, struct stage_captures *sc, const struct out_folder *dir,
			  struct stage_result *st)
{
	for (unsigned i = 0; i < sc->ntaps && st->nartifacts < MAX_ARTIFACTS; i++) {
		struct tap *t = &sc->taps[i];
		char name[256], path[sizeof(dir->path) + sizeof(name)], err[512];
		int fd;

		if (!t->cap || capture_drain(t->cap, DRAIN_QUIET_MS, wait_within(w->waits.drain_ms, w->deadline)) < 0)
			continue;
		snprintf(name, sizeof(name), "%s-%s.pcap", w->sc->netns[t->where.ns].name, t->where.name);
		snprintf(path, sizeof(path), "%s/%s", dir->path, name);
		fd = outfile_create(dir->fd, name, path, err, sizeof(err));
		if (fd < 0)
			fprintf(stderr, "nsharness: %s\n", err);
		else if (capture_write(t->cap, fd) == 0 && (st->artifacts[st->nartifacts] = strdup(path)))
			st->nartifacts++;
	}
}

/* The first packet from a the capture kept, or NULL. */
static const struct packet_info *first_from(struct capture *cap, const struct addr *a)
{
	for (unsigned i = 0; i < capture_count(cap); i++)
		if (addr_equal(&capture_packet(cap, i)->src, a))
			return capture_packet(cap, i);
	return NULL;
}

static bool seen_src(struct capture *cap, const struct addr *a)
{
	return first_from(cap, a) != NULL;
}

static bool seen_dst(struct capture *cap, const struct addr *a)
{
	for (unsigned i = 0; i < capture_count(cap); i++)
		if (addr_equal(&capture_packet(cap, i)->dst, a))
			return true;
	return false;
}

/* The IP packets the capture kept: with the stage's filter, its probes' packets (ARP frames do not count). */
static unsigned ip_packets(struct capture *cap)
{
	unsigned ip = 0;

	for (unsigned i = 0; i < capture_count(cap); i++)
		ip += capture_packet(cap, i)->family != AF_UNSPEC;
	return ip;
}

/* What the capture saw, in a few lines: each distinct packet description once. */
static void describe_seen(struct capture *cap, struct check *c)
{
	unsigned ip = 0;

	for (unsigned i = 0; i < capture_count(cap); i++) {
		char line[160];

		if (capture_packet(cap, i)->family == AF_UNSPEC)
			continue;
		if (++ip <= 8)
			check_evidence(c, "seen: %s\n", packet_describe(capture_packet(cap, i), line, sizeof(line)));
	}
	check_got(c, "%u packet%s of the stage's probes", ip, ip == 1 ? "" : "s");
	if (ip > 8)
		check_evidence(c, "... and %u more\n", ip - 8);
}

static void describe_expected(const struct scenario *sc, const struct expect *e, struct check *c)
{
	const struct ifref *where = &e->u.capture.where;
	char a[ADDR_STRLEN];

	check_expected(c, "on %s/%s:", sc->netns[where->ns].name, where->name);
	for (unsigned i = 0; i < e->u.capture.nsrc; i++)
		check_expected(c, " src %s", addr_str(&e->u.capture.src[i], a, sizeof(a)));
	for (unsigned i = 0; i < e->u.capture.nnever; i++)
		check_expected(c, " never-src %s", addr_str(&e->u.capture.never_src[i], a, sizeof(a)));
	for (unsigned i = 0; i < e->u.capture.ndst; i++)
		check_expected(c, " dst %s", addr_str(&e->u.capture.dst[i], a, sizeof(a)));
}

/* A capture's finding: address a (seen, or not seen) on ns/dev. */
static void capture_cause(struct check *c, enum cause_kind kind, const struct addr *a, const char *ns, const char *dev)
{
	struct cause *k = check_cause(c, kind);

	k->addr = *a;
	CAUSE_COPY(k->ns, ns);
	CAUSE_COPY(k->dev, dev);
}

/* A capture that holds none of the stage's probe traffic proves nothing: "never-src" holds on an empty wire,
 * "src" and "dst" fail on it whatever the world does.  It fails, saying so; the cause's kind tells "fails"
 * (expect.c) not to turn it into the failure it wants (capture_saw_nothing).  A capture that dropped frames
 * (capture_missed) is not empty.  Returns true when it was empty. */
static bool judge_empty(const struct stage_captures *caps, const struct scenario *sc, const struct expect *e,
			struct capture *cap, struct check *c)
{
	const struct ifref *where = &e->u.capture.where;
	const char *ns = sc->netns[where->ns].name;
	struct cause *k;

	if (caps->nflows && (ip_packets(cap) || capture_missed(cap)))
		return false;
	if (caps->nflows && e->u.capture.nsrc) {
		capture_cause(c, CAUSE_CAPTURE_NO_PACKETS, &e->u.capture.src[0], ns, where->name);
	} else {
		k = check_cause(c, CAUSE_CAPTURE_EMPTY);
		CAUSE_COPY(k->ns, ns);
		CAUSE_COPY(k->dev, where->name);
		k->flag = !caps->nflows;
	}
	check_set(c, CHECK_FAIL);
	return true;
}

bool capture_saw_nothing(const struct check *c)
{
	return c->status == CHECK_FAIL &&
	       (c->cause.kind == CAUSE_CAPTURE_NO_PACKETS || c->cause.kind == CAUSE_CAPTURE_EMPTY);
}

/* The first assertion that does not hold becomes the cause. */
static void judge(const struct scenario *sc, const struct expect *e, struct capture *cap, struct check *c)
{
	const struct ifref *where = &e->u.capture.where;
	const char *ns = sc->netns[where->ns].name;

	for (unsigned i = 0; i < e->u.capture.nnever && c->status == CHECK_PASS; i++)
		if (seen_src(cap, &e->u.capture.never_src[i])) {
			const struct packet_info *pk = first_from(cap, &e->u.capture.never_src[i]);

			capture_cause(c, CAUSE_CAPTURE_UNTRANSLATED, &e->u.capture.never_src[i], ns, where->name);
			c->cause.value = pk->proto;   /* the flow it left in: diagnosis names that flow's entry */
			c->cause.port = pk->sport;
			check_set(c, CHECK_FAIL);
		}
	for (unsigned i = 0; i < e->u.capture.nsrc && c->status == CHECK_PASS; i++)
		if (!seen_src(cap, &e->u.capture.src[i])) {
			capture_cause(c, capture_count(cap) ? CAUSE_CAPTURE_SRC_UNSEEN : CAUSE_CAPTURE_NO_PACKETS,
				      &e->u.capture.src[i], ns, where->name);
			check_set(c, CHECK_FAIL);
		}
	for (unsigned i = 0; i < e->u.capture.ndst && c->status == CHECK_PASS; i++)
		if (!seen_dst(cap, &e->u.capture.dst[i])) {
			capture_cause(c, CAUSE_CAPTURE_DST_UNSEEN, &e->u.capture.dst[i], ns, where->name);
			check_set(c, CHECK_FAIL);
		}
}

void stage_capture_check(struct world *w, struct stage_captures *sc, unsigned i, const struct expect *e,
			 struct check *c)
{
	struct tap *t = &sc->taps[sc->tap_of[i]];
	struct capture *cap = t->cap;

	describe_expected(w->sc, e, c);
	if (!cap) {
		check_got(c, "no capture: %s", t->error);
		check_set(c, CHECK_ERROR);
		return;
	}
	if (capture_drain(cap, JUDGE_QUIET_MS, wait_within(w->waits.drain_ms, w->deadline)) < 0) {
		check_got(c, "the capture failed: %s", capture_error(cap));
		check_set(c, CHECK_ERROR);
		return;
	}
	describe_seen(cap, c);
	if (capture_missed(cap))
		check_evidence(c, "%u frames seen but not kept (memory bound or kernel ring full)\n", capture_missed(cap));
	if (!judge_empty(sc, w->sc, e, cap, c))
		judge(w->sc, e, cap, c);
}
