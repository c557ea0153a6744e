/* pcap_lib.c — libpcap through dlopen, loaded once, on first need or ahead of it. */
#include "probes/pcap_lib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#define PCAP_SONAME "libpcap.so.0.8"   /* Debian's libpcap0.8 (libpcap 1.x) */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct pcap_lib lib;
static bool loaded;
static char why[160];

#define SYM(field, name) (*(void **)&lib.field = dlsym(h, name)) != NULL

static void load(void)
{
	void *h = dlopen(PCAP_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		snprintf(why, sizeof(why), "%s cannot be loaded (Debian package libpcap0.8): %s", PCAP_SONAME, dlerror());
		return;
	}
	loaded = SYM(open_dead, "pcap_open_dead") &&
		 SYM(open_dead_with_tstamp_precision, "pcap_open_dead_with_tstamp_precision") &&
		 SYM(compile, "pcap_compile") && SYM(freecode, "pcap_freecode") &&
		 SYM(offline_filter, "pcap_offline_filter") && SYM(geterr, "pcap_geterr") &&
		 SYM(close, "pcap_close") && SYM(dump_fopen, "pcap_dump_fopen") && SYM(dump, "pcap_dump") &&
		 SYM(dump_flush, "pcap_dump_flush") && SYM(dump_close, "pcap_dump_close");
	if (!loaded)
		snprintf(why, sizeof(why), "%s lacks a function nsharness uses", PCAP_SONAME);
}

const struct pcap_lib *pcap_lib(char *err, size_t errlen)
{
	pthread_once(&once, load);
	if (!loaded && err)
		snprintf(err, errlen, "%s", why);
	return loaded ? &lib : NULL;
}

static void *prefetch_main(void *unused)
{
	(void)unused;
	pthread_once(&once, load);
	return NULL;
}

void pcap_lib_prefetch(void)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static bool asked;
	pthread_attr_t attr;
	sigset_t all, old;
	pthread_t t;
	bool first;

	pthread_mutex_lock(&lock);
	first = !asked;
	asked = true;
	pthread_mutex_unlock(&lock);
	if (!first)
		return;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* Signals are for the run's own threads. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_create(&t, &attr, prefetch_main, NULL);   /* without the thread, the first user loads it */
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
}
