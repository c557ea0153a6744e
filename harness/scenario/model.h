/* model.h — a parsed scenario: the world to build, stage by stage, and what each stage expects of it.
 *
 * The parser fills these structures and validates them completely (names resolve, families match, every
 * stage has an expectation) before anything is created.  Everything after parsing only reads them. */
#ifndef NSH_MODEL_H
#define NSH_MODEL_H

#include "harness/base/addr.h"
#include "harness/base/link_kind.h"

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define MAX_NETNS 64          /* namespaces in one scenario */
#define MAX_STAGES 64
#define MAX_ITEMS 4096        /* steps plus expectations in one scenario */
#define NAME_MAX_LEN 31       /* scenario, namespace and stage names */

/* Where a statement (or one of its words) came from; file points into the scenario (never freed before it). */
struct loc {
	const char *file;
	unsigned line, col;
};

/* An interface inside one of the scenario's namespaces. */
struct ifref {
	unsigned ns;              /* index into scenario.netns */
	char name[IFNAMSIZ];
};

enum step_kind {
	STEP_VETH,                /* veth A/x B/y: a pair, each end created directly in its namespace */
	STEP_ADDRESS,             /* address NS/IF PREFIX */
	STEP_LINK_UP,             /* up NS/IF ... (one step per interface) */
	STEP_LINK_DOWN,           /* down NS/IF ... */
	STEP_ROUTE,               /* route NS default|PREFIX [via GW] [dev IF] [nexthop ...]... [type T] [table N]
	                           * [metric N] [src ADDR] [onlink] */
	STEP_SYSCTL,              /* sysctl NS key=value */
	STEP_FORWARD_POLICY,      /* forward NS policy accept|drop */
	STEP_FORWARD_RULE,        /* forward NS accept|drop|reject [iif IF] [oif IF] [from P] [to P] [ct STATES]
				   * [tcp|udp [dport P[-P]] [sport P]] [icmp|icmpv6] */
	STEP_MASQUERADE,          /* masquerade NS [from P] [oif IF] */
	STEP_SNAT,                /* snat NS [from P] [oif IF] to ADDR */
	STEP_DNAT,                /* dnat NS [iif IF] [dst ADDR] tcp|udp PORT[-PORT] to ADDR[:PORT[-PORT]] */
	STEP_LISTEN,              /* listen NS tcp|udp PORT: a server, accepting on any address */
	STEP_EXEC,                /* exec NS PROGRAM [ARG...] [makes NS/IF...]: a real program inside NS; must exit 0 */
	STEP_SCRIPT,              /* script NS PATH [ARG...] [creates NAME...]: a user's setup script, sandboxed, as NS */
	STEP_REDIRECT,            /* redirect NS [iif IF] [dst ADDR] tcp|udp PORT[-PORT] to PORT[-PORT] */
	STEP_RULE,                /* rule NS [from P] [to P] [iif IF] [oif IF] [fwmark N[/M]] [priority N] ACTION */
	STEP_SERVICE,             /* service NS [ready tcp|udp PORT] COMMAND...: a user's daemon, sandboxed, until the end */
	/* Links of link_kind.h, one kind each (u.newlink; parse_links.c): */
	STEP_BRIDGE,              /* bridge NS/IF [stp on|off] [vlan-filtering] */
	STEP_VLAN,                /* vlan NS/IF on PARENT id N */
	STEP_DUMMY,               /* dummy NS/IF */
	STEP_MACVLAN,             /* macvlan NS/IF on PARENT [mode M] */
	STEP_IPVLAN,              /* ipvlan NS/IF on PARENT [mode M] */
	STEP_VXLAN,               /* vxlan NS/IF id N [local ADDR] [remote ADDR] [dev IF] [port N] */
	STEP_GRE,                 /* gre NS/IF local ADDR remote ADDR */
	STEP_IPIP,                /* ipip NS/IF local ADDR remote ADDR */
	STEP_SIT,                 /* sit NS/IF local ADDR remote ADDR */
	STEP_VRF,                 /* vrf NS/IF table N */
	STEP_BOND,                /* bond NS/IF [mode M] slaves IF... (then one STEP_MASTER per slave) */
	STEP_MASTER,              /* master NS/IF NS/MASTER: a port of a bridge, bond or vrf */
	STEP_MTU,                 /* mtu NS/IF N */
	STEP_REQUIRES,            /* requires kernel FEATURE... | requires program NAME... (one step per word) */
	STEP_NEXTHOP,             /* nexthop NS id N via ADDR [dev IF] [onlink] | dev IF [inet6] | blackhole [inet6]
	                           * | group ID[,W]/ID[,W]... (parse_nexthop.c) */
	STEP_WIREGUARD,           /* wireguard NS/IF NS/IF endpoints ADDR ADDR [port N] [allowed-ips LIST LIST]
	                           * (parse_wireguard.c) */
	STEP_KIND_COUNT
};

#define EXEC_MAX_ARGS 64
#define PING_MAX_SIZE 9000     /* expect ping ... size N: bytes of ICMP payload at most */
#define CONN_MAX_BYTES (64u << 20)  /* expect tcp ... bytes N: at most 64 MiB over one connection */
#define ROUTE_MAX_NEXTHOPS 8   /* paths of one multipath route */
#define TABLE_MAIN 254         /* RT_TABLE_MAIN: a route or lookup without 'table' */
#define NEXTHOP_MAX_GROUP 32   /* members of one nexthop group */
#define WG_MAX_ALLOWED 8       /* allowed-ips prefixes of one wireguard end */
#define WG_DEFAULT_PORT 51820  /* wg-quick's and the WireGuard paper's */

/* One path of a multipath route (RTA_MULTIPATH, as `ip route ... nexthop via A dev X weight W`). */
struct route_nexthop {
	bool has_via;
	struct addr via;
	char dev[IFNAMSIZ];          /* "" = none */
	uint8_t weight;              /* 1..255 */
	bool onlink;
};

/* What a policy rule does with a packet it matches: look up a table, or end the lookup itself. */
enum rule_action { RULE_LOOKUP, RULE_BLACKHOLE, RULE_UNREACHABLE, RULE_PROHIBIT };

/* reject: an ICMP "administratively prohibited" (ICMPv6 "administratively prohibited"), or a TCP reset for
 * a rule that matches tcp. */
enum verdict_word { VERDICT_ACCEPT, VERDICT_DROP, VERDICT_REJECT };

/* An inclusive port range; lo == hi for one port, 0/0 for none. */
struct port_range { uint16_t lo, hi; };

enum ct_bits { CT_ESTABLISHED = 1, CT_RELATED = 2, CT_NEW = 4 };

struct step {
	enum step_kind kind;
	struct loc loc;
	char *text;               /* the statement as written, for messages ("address blue/veth1 10.1.1.1/24") */
	unsigned ns;              /* the namespace acted on (for veth: the first end's) */
	union {
		struct { struct ifref a, b; } veth;
		struct { struct ifref link; struct prefix prefix; } address;
		struct { struct ifref link; } link;
		struct {
			struct prefix dst;           /* len 0 = default */
			bool has_via, has_dev;
			struct addr via;
			char dev[IFNAMSIZ];
			uint8_t type;                /* RTN_UNICAST, RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_PROHIBIT, RTN_THROW */
			uint32_t table;              /* TABLE_MAIN unless 'table N' */
			bool has_metric, has_src, onlink;
			uint32_t metric;             /* RTA_PRIORITY; unset: the kernel's (IPv4 0, IPv6 1024) */
			struct addr src;             /* RTA_PREFSRC */
			unsigned nnexthops;          /* 0: a single path (via/dev above); else a multipath route */
			struct route_nexthop nexthops[ROUTE_MAX_NEXTHOPS];
			uint32_t nhid;               /* nhid N: a nexthop object's id (no via, dev or nexthop); 0 none */
			bool has_mtu;
			uint32_t mtu;                /* mtu N: RTA_METRICS' RTAX_MTU, as `ip route ... mtu N` */
		} route;
		struct { char key[128]; char value[64]; } sysctl;   /* key with '/' separators: net/ipv4/ip_forward */
		struct { int family; enum verdict_word policy; } policy;      /* family: AF_INET, AF_INET6 or 0 for both */
		struct {
			int family;                  /* from the prefixes, else 0 (both families) */
			enum verdict_word verdict;
			char iif[IFNAMSIZ], oif[IFNAMSIZ];   /* "" = any */
			bool has_from, has_to;
			struct prefix from, to;
			unsigned ct;                 /* enum ct_bits, 0 = no ct match */
			int proto;                   /* IPPROTO_TCP, _UDP, _ICMP, _ICMPV6; 0 = any */
			struct port_range dport, sport;   /* tcp and udp only; 0/0 = any */
		} rule;
		struct {                         /* masquerade, snat */
			int family;
			bool has_from;
			struct prefix from;
			char oif[IFNAMSIZ];
			struct addr to;              /* snat only */
		} nat;
		struct {                         /* dnat, redirect */
			int proto;                   /* IPPROTO_TCP or IPPROTO_UDP */
			char iif[IFNAMSIZ];
			bool has_dst;                /* dst ADDR: the original destination must be this address */
			struct addr dst;
			uint16_t port;               /* the first port matched, */
			uint16_t port_hi;            /* and the last (== port for one) */
			struct addr to;              /* dnat only */
			uint16_t to_port;            /* 0 = same port (dnat); redirect's always set */
			uint16_t to_port_hi;         /* the last port of a range (== to_port for one) */
		} dnat;
		struct { int proto; uint16_t port; } listen;
		struct {
			char **argv;                 /* NULL-terminated, owned */
			unsigned argc;
			struct ifref *makes;         /* makes NS/IF...: the links the program creates (declared here), owned */
			unsigned nmakes;
		} exec;
		struct {
			struct ifref link;           /* the new link */
			char parent[IFNAMSIZ];       /* on PARENT (vlan, macvlan, ipvlan) or dev IF (vxlan); "" none */
			struct link_params p;        /* p.kind is the step kind's link kind */
		} newlink;
		struct { struct ifref link; char master[IFNAMSIZ]; } master;   /* master in link's namespace */
		struct { struct ifref link; uint32_t mtu; } mtu;
		struct {
			bool program;                /* requires program NAME, else requires kernel FEATURE */
			char name[32];               /* the word as written: "vlan", "bridge-vlan-filtering", "ip" */
			struct link_params trial;    /* kernel: the link whose creation proves the feature */
		} requires;
		struct {
			char *path;                  /* resolved against the scenario file's folder, owned */
			uint64_t creates;            /* bit i: the script creates namespace i (declared here) by name */
			char **args;                 /* its arguments ($1...), NULL-terminated, owned */
			unsigned nargs;
		} script;
		struct {                         /* rule: a policy routing rule (RTM_NEWRULE) */
			int family;                  /* from the prefixes; 0: one rule for each family */
			bool has_from, has_to, has_fwmark, has_priority;
			struct prefix from, to;
			char iif[IFNAMSIZ], oif[IFNAMSIZ];   /* "" = any */
			uint32_t fwmark, fwmask;     /* fwmask 0xffffffff unless written N/M */
			uint32_t priority;           /* unset: the kernel's (just before the lowest existing rule's) */
			enum rule_action action;
			uint32_t table;              /* RULE_LOOKUP only */
		} iprule;
		struct {
			char **argv;                 /* the command, NULL-terminated, owned */
			unsigned argc;
			int ready_proto;             /* IPPROTO_TCP or IPPROTO_UDP; 0: ready once started */
			uint16_t ready_port;         /* it is ready when a socket of ready_proto listens on it in ns */
		} service;
		struct {                         /* nexthop: an object routes name by id (`ip nexthop add`) */
			uint32_t id;                 /* 1.. */
			bool has_via, onlink, blackhole;
			int family;                  /* a device alone or a blackhole: AF_INET, or AF_INET6 ("inet6");
						      * with via: via's; a group: 0 (its members') */
			struct addr via;
			char dev[IFNAMSIZ];          /* "" = none */
			unsigned ngroup;             /* > 0: a group of the members below, nothing else */
			uint32_t group[NEXTHOP_MAX_GROUP];
			uint16_t weight[NEXTHOP_MAX_GROUP];   /* 1..256 */
		} nexthop;
		struct {                         /* wireguard: two ends, each the other's one peer */
			struct ifref end[2];
			struct addr endpoint[2];     /* each end's own underlay address (the other end's endpoint) */
			uint16_t port;               /* both ends listen on it */
			unsigned nallowed[2];        /* 0: 0.0.0.0/0 and ::/0 */
			struct prefix allowed[2][WG_MAX_ALLOWED];   /* the sources each end may send from */
		} wireguard;
	} u;
};

enum expect_kind {
	EXPECT_LINK,              /* expect link NS/IF up|down */
	EXPECT_PING,              /* expect ping NS ADDR [size N] [df] */
	EXPECT_ROUTE,             /* expect route NS ADDR [via GW] [dev IF] [src ADDR] [from ADDR [iif IF]] [mark N]
	                           * [type T] [table N] [mtu N] */
	EXPECT_FORWARDED,         /* expect forwarded NS ADDR out NS/IF */
	EXPECT_TCP,               /* expect tcp NS ADDR:PORT [OUTCOME] [peer-seen ADDR] [sport PORT] [bytes N] */
	EXPECT_UDP,               /* expect udp NS ADDR:PORT [peer-seen ADDR] [sport PORT] */
	EXPECT_CAPTURE,           /* expect capture NS/IF [src A]... [never-src A]... [dst A]... */
	EXPECT_SPREAD,            /* expect spread NS ADDR over NS/IF NS/IF... [flows N] */
	EXPECT_KIND_COUNT
};

/* What a connection attempt may end as; an expectation names the one it requires. */
enum conn_outcome { CONN_CONNECTED, CONN_REFUSED, CONN_TIMEOUT, CONN_UNREACHABLE };

#define MAX_CAPTURE_ADDRS 4
#define SPREAD_MAX_EGRESS 8
#define SPREAD_MAX_FLOWS 256
#define SPREAD_DEFAULT_FLOWS 32
#define SPREAD_PORT 33434      /* the spread's UDP flows go to this port, each from its own source port */

struct expect {
	enum expect_kind kind;
	struct loc loc;
	char *text;               /* the expectation as written */
	bool fails;               /* trailing "fails": the check must fail (and must have been able to run) */
	unsigned ns;              /* the namespace the probe runs from (for link and capture: the interface's) */
	union {
		struct { struct ifref link; bool up; } link;
		struct {
			struct addr dst;
			unsigned size;               /* ICMP payload bytes; 0 = the probe's own 16 */
			bool df;                     /* don't fragment: a hop with a smaller MTU must say so */
		} ping;
		struct {
			struct addr dst;
			bool has_via, has_dev, has_src;
			struct addr via, src;
			char dev[IFNAMSIZ];
			/* The lookup a forwarded packet gets: from (RTA_SRC), arriving on iif (RTA_IIF), with mark. */
			bool has_from, has_type, has_table;
			struct addr from;
			char iif[IFNAMSIZ];          /* "" = the namespace's own traffic (iif needs from) */
			uint32_t mark;               /* 0 = none */
			uint8_t type;                /* RTN_UNICAST, RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_PROHIBIT */
			uint32_t table;
			bool has_mtu;
			uint32_t mtu;                /* the path MTU the kernel would use towards dst */
		} route;
		struct { struct addr dst; struct ifref out; } forwarded;
		struct {                         /* spread: flows from ns to dst, counted leaving each egress */
			struct addr dst;
			unsigned negress, flows;
			struct ifref egress[SPREAD_MAX_EGRESS];
		} spread;
		struct {
			struct addr dst;
			uint16_t port;
			enum conn_outcome outcome;   /* required outcome; CONN_CONNECTED unless written */
			bool has_peer;
			struct addr peer;            /* peer-seen: the source the server must report */
			uint16_t sport;              /* sport PORT: a pinned source port; 0 = a fresh one */
			uint32_t bytes;              /* tcp bytes N: the server must count N bytes; 0 = none sent */
		} conn;
		struct {
			struct ifref where;
			unsigned nsrc, nnever, ndst;
			struct addr src[MAX_CAPTURE_ADDRS], never_src[MAX_CAPTURE_ADDRS], dst[MAX_CAPTURE_ADDRS];
		} capture;
	} u;
};

/* One entry of a stage, in file order: steps are applied, then expectations checked. */
struct stage {
	char name[NAME_MAX_LEN + 1];
	struct loc loc;
	unsigned first_step, nsteps;      /* range in scenario.steps */
	unsigned first_expect, nexpects;  /* range in scenario.expects */
};

struct netns_decl {
	char name[NAME_MAX_LEN + 1];
	struct loc loc;
	bool external;            /* created by name by a script step ("creates"); bound once that step ran */
	bool open;                /* a script acts in it: its interfaces need not be declared in the file */
};

struct scenario {
	char *path;               /* as given on the command line; loc.file points here */
	char name[NAME_MAX_LEN + 24];   /* room for the run's names: "~10000" (--repeat), "@iptables-legacy" */
	char *about;              /* may be NULL */
	struct netns_decl netns[MAX_NETNS];
	unsigned nnetns;
	struct step *steps;       /* setup steps (before the first stage) come first */
	unsigned nsteps, nsetup;  /* nsetup: how many of steps are setup, applied before stage 1 */
	struct expect *expects;
	unsigned nexpects;
	struct stage stages[MAX_STAGES];
	unsigned nstages;
};

/* Parses and validates the file at path.  Returns 0 and a scenario the caller frees with scenario_free, or -1
 * after writing every error found (up to a limit) to err as "file:line:col: message" lines. */
int scenario_load(const char *path, struct scenario **out, FILE *err);

/* The same on a buffer already in memory (used by the loader, the unit tests and the fuzzer); name is the
 * file name used in messages.  The buffer need not be NUL-terminated and may contain any bytes. */
int scenario_parse(const char *name, const char *buf, size_t len, struct scenario **out, FILE *err);

void scenario_free(struct scenario *s);

/* The other end of the veth ns/ifname, from the scenario's veth steps.  False when it is not a veth end. */
bool scenario_veth_peer(const struct scenario *sc, unsigned ns, const char *ifname, struct ifref *peer);

#endif
