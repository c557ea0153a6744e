/* floor.c — the kernel's own cost of the reference scenario's world: three namespaces and two veth pairs,
 * created and released in-process with nothing else (no addresses, no probes, no reports).  bench/compare
 * runs it to show how close nsharness comes to what the kernel needs anyway.
 *
 * usage: floor ROUNDS   prints the median wall time of one world, in milliseconds */
#include "harness/base/netns.h"
#include "harness/base/nl.h"
#include "harness/base/rtnl_msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int one_world(void)
{
	static char buf[NL_BUF_SIZE];
	int ns[3];
	struct nl nl;
	int ret = 0;

	for (int i = 0; i < 3; i++)
		if ((ns[i] = netns_create()) < 0)
			return ns[i];
	if ((ret = nl_open(&nl, ns[1], NETLINK_ROUTE, 0)) == 0) {
		char msg[NL_MSG_LEN];

		ret = nl_talk(&nl, rtnl_msg_veth(buf, "veth0", "veth1", ns[0]), NULL, NULL, msg, sizeof(msg));
		if (ret == 0)
			ret = nl_talk(&nl, rtnl_msg_veth(buf, "ens160", "eth0", ns[2]), NULL, NULL, msg, sizeof(msg));
		nl_close(&nl);
	}
	for (int i = 0; i < 3; i++)
		close(ns[i]);
	return ret;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 30;
	double *t = calloc(rounds > 0 ? rounds : 1, sizeof(*t));

	if (!t || rounds <= 0)
		return 2;
	for (int i = 0; i < rounds; i++) {
		double start = now_ms();

		if (one_world()) {
			fprintf(stderr, "floor: cannot build the world (root needed)\n");
			return 1;
		}
		t[i] = now_ms() - start;
	}
	qsort(t, rounds, sizeof(*t), cmp);
	printf("%.3f\n", rounds % 2 ? t[rounds / 2] : (t[rounds / 2 - 1] + t[rounds / 2]) / 2);
	free(t);
	return 0;
}
