/* clock.h — deadlines on CLOCK_MONOTONIC, and the run's named waits.
 *
 * Every wait in nsharness is a plain number of milliseconds, given to the code that waits.  The run's waits
 * (struct waits) are made once with the options, already stretched by --timeout-scale (or the environment
 * variable NSHARNESS_TIMEOUT_SCALE) for debug or emulated kernels; nothing scales a wait later, so the number
 * a message reports is the wait that was waited. */
#ifndef NSH_CLOCK_H
#define NSH_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

typedef int64_t msec_t;

/* The run's waits, in milliseconds, scaled once (waits_scaled).  The probes, steps and captures each take
 * theirs as a plain number. */
struct waits {
	msec_t link_ms;           /* a link's admin state and carrier to settle */
	msec_t neigh_ms;          /* a gateway's neighbour entry to resolve */
	msec_t ping_ms;           /* an echo reply */
	msec_t connect_ms;        /* a TCP connection, or a UDP answer */
	msec_t capture_ms;        /* a forwarded frame to show on the router's capture */
	msec_t drain_ms;          /* the frames still in flight when a stage's probes are over */
	msec_t program_ms;        /* an exec step's program */
	msec_t script_ms;         /* a script step */
	msec_t scenario_ms;       /* a scenario's whole run (--scenario-timeout); 0 for none */
};

/* The kernel's default ARP/ND retransmit time (net.ipv4.neigh.DEV.retrans_time_ms, and IPv6's): a first
 * request lost (a bridge port that has just started forwarding drops it) is asked again only this late. */
#define NEIGH_RETRANS_MS 1000

/* The least a probe that sends traffic waits (ping, connect, capture, neigh), scaled or not: a first lost
 * ARP/ND request, its retransmission and the answer's way back.  Only failing probes pay it; a probe that
 * is answered returns at once. */
#define TRAFFIC_WAIT_FLOOR_MS (NEIGH_RETRANS_MS * 3 / 2)

/* The waits before scaling: generous against a busy CI machine (a traffic wait outlasts two lost ARP/ND
 * requests), short against a black hole. */
struct waits waits_default(void);

/* The largest --timeout-scale: beyond it the waits stop meaning anything. */
#define TIMEOUT_SCALE_MAX 1000.0

/* Reads a timeout scale: a finite number above 0 and at most TIMEOUT_SCALE_MAX, and nothing after it.
 * 0, or -1 (inf, nan, negative, zero, huge or not a number). */
int timeout_scale_parse(const char *text, double *scale);

/* Every wait of w times scale (a valid scale: timeout_scale_parse), rounded down, and at least 1 ms where
 * it was not 0; the traffic waits (neigh, ping, connect, capture) at least TRAFFIC_WAIT_FLOOR_MS, for the
 * kernel retransmits ARP/ND on its own clock whatever the scale. */
struct waits waits_scaled(const struct waits *w, double scale);

msec_t clock_now_ms(void);           /* monotonic milliseconds */
double clock_now_s(void);            /* monotonic seconds, for durations in reports */
msec_t deadline_after(msec_t timeout_ms);    /* now + timeout_ms, exactly: the caller's wait is already scaled */
/* Milliseconds left (0 when passed), ready for poll(2).  Also 0 once the run is interrupted: every wait ends
 * then. */
int deadline_left(msec_t deadline);

/* wait_ms, cut to what is left until deadline (0: no deadline); at least 0.  How a scenario's deadline
 * bounds each wait inside it: the caller passes the result on, and reports it. */
unsigned wait_within(msec_t wait_ms, msec_t deadline);

/* Whether deadline (0: none) has passed. */
bool deadline_passed(msec_t deadline);

/* A SIGINT or SIGTERM arrived: every wait ends now (async-signal-safe). */
void clock_interrupt(void);
bool clock_interrupted(void);

#endif
