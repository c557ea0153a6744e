/* pcap_lib.h — libpcap, loaded when first needed (its BPF compiler and its file writer), not at start.
 *
 * Linked at start, libpcap and the libraries it needs (dbus, systemd, gcrypt, lzma, zstd, lz4, ...) cost every
 * nsharness process about a millisecond before main, `check` and `--help` included.  A run that captures asks
 * for it early (pcap_lib_prefetch, on a thread of its own while the world is built); the first caller that
 * needs it waits for that load to end. */
#ifndef NSH_PCAP_LIB_H
#define NSH_PCAP_LIB_H

#include <pcap/pcap.h>
#include <stddef.h>

struct pcap_lib {
	pcap_t *(*open_dead)(int linktype, int snaplen);
	pcap_t *(*open_dead_with_tstamp_precision)(int linktype, int snaplen, u_int precision);
	int (*compile)(pcap_t *p, struct bpf_program *prog, const char *text, int optimize, bpf_u_int32 netmask);
	void (*freecode)(struct bpf_program *prog);
	int (*offline_filter)(const struct bpf_program *prog, const struct pcap_pkthdr *h, const u_char *bytes);
	char *(*geterr)(pcap_t *p);
	void (*close)(pcap_t *p);
	pcap_dumper_t *(*dump_fopen)(pcap_t *p, FILE *f);
	void (*dump)(u_char *dumper, const struct pcap_pkthdr *h, const u_char *bytes);
	int (*dump_flush)(pcap_dumper_t *d);
	void (*dump_close)(pcap_dumper_t *d);
};

/* The library, loaded on the first call (or waited for, when a prefetch is loading it); NULL with why in err
 * when it cannot be loaded. */
const struct pcap_lib *pcap_lib(char *err, size_t errlen);

/* Starts loading the library on a thread of its own and returns at once (again: nothing more). */
void pcap_lib_prefetch(void);

#endif
