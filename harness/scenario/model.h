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
	STEP_ROUTE,               /* route NS default|PREFIX [via GW] [dev IF] */
	STEP_SYSCTL,              /* sysctl NS key=value */
	STEP_FORWARD_POLICY,      /* forward NS policy accept|drop */
	STEP_FORWARD_RULE,        /* forward NS accept|drop [iif IF] [oif IF] [from P] [to P] [ct established,related] */
	STEP_MASQUERADE,          /* masquerade NS [from P] [oif IF] */
	STEP_SNAT,                /* snat NS [from P] [oif IF] to ADDR */
	STEP_DNAT,                /* dnat NS [iif IF] tcp|udp PORT to ADDR[:PORT] */
	STEP_LISTEN,              /* listen NS tcp|udp PORT: a server, accepting on any address */
	STEP_EXEC,                /* exec NS PROGRAM [ARG...] [makes NS/IF...]: a real program inside NS; must exit 0 */
	STEP_SCRIPT,              /* script NS PATH [creates NAME...]: a user's setup script, sandboxed, as NS */
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
	STEP_KIND_COUNT
};

#define EXEC_MAX_ARGS 64

enum verdict_word { VERDICT_ACCEPT, VERDICT_DROP };

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
		} rule;
		struct {                         /* masquerade, snat */
			int family;
			bool has_from;
			struct prefix from;
			char oif[IFNAMSIZ];
			struct addr to;              /* snat only */
		} nat;
		struct {
			int proto;                   /* IPPROTO_TCP or IPPROTO_UDP */
			char iif[IFNAMSIZ];
			uint16_t port;
			struct addr to;
			uint16_t to_port;            /* 0 = same port */
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
		} script;
	} u;
};

enum expect_kind {
	EXPECT_LINK,              /* expect link NS/IF up|down */
	EXPECT_PING,              /* expect ping NS ADDR */
	EXPECT_ROUTE,             /* expect route NS ADDR [via GW] [dev IF] [src ADDR] */
	EXPECT_FORWARDED,         /* expect forwarded NS ADDR out NS/IF */
	EXPECT_TCP,               /* expect tcp NS ADDR:PORT [OUTCOME] [peer-seen ADDR] [sport PORT] */
	EXPECT_UDP,               /* expect udp NS ADDR:PORT [peer-seen ADDR] [sport PORT] */
	EXPECT_CAPTURE,           /* expect capture NS/IF [src A]... [never-src A]... [dst A]... */
	EXPECT_KIND_COUNT
};

/* What a connection attempt may end as; an expectation names the one it requires. */
enum conn_outcome { CONN_CONNECTED, CONN_REFUSED, CONN_TIMEOUT, CONN_UNREACHABLE };

#define MAX_CAPTURE_ADDRS 4

struct expect {
	enum expect_kind kind;
	struct loc loc;
	char *text;               /* the expectation as written */
	bool fails;               /* trailing "fails": the check must fail (and must have been able to run) */
	unsigned ns;              /* the namespace the probe runs from (for link and capture: the interface's) */
	union {
		struct { struct ifref link; bool up; } link;
		struct { struct addr dst; } ping;
		struct {
			struct addr dst;
			bool has_via, has_dev, has_src;
			struct addr via, src;
			char dev[IFNAMSIZ];
		} route;
		struct { struct addr dst; struct ifref out; } forwarded;
		struct {
			struct addr dst;
			uint16_t port;
			enum conn_outcome outcome;   /* required outcome; CONN_CONNECTED unless written */
			bool has_peer;
			struct addr peer;            /* peer-seen: the source the server must report */
			uint16_t sport;              /* sport PORT: a pinned source port; 0 = a fresh one */
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
