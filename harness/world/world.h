/* world.h — a scenario made real: its namespaces (held by fds, nothing named) and what its steps built in them.
 *
 * world_create makes every namespace the scenario declares and brings lo up in each; world_apply (steps.h)
 * applies a range of the scenario's steps (the runner gives it the setup, then each stage's): the other steps
 * in file order, then the firewall and NAT steps as one atomic batch per namespace, through the firewall
 * backend chosen once per world;
 * world_destroy closes everything, and the kernel removes the namespaces with every link, rule and socket in
 * them.  Nothing is ever created in the namespace nsharness was started in. */
#ifndef NSH_WORLD_H
#define NSH_WORLD_H

#include "harness/scenario/model.h"
#include "harness/base/clock.h"
#include "harness/firewall/firewall.h"
#include "harness/base/nl.h"

#define MAX_LISTENERS 32
#define MAX_SERVICES 16

struct listener;
struct sandbox_service;

/* A service step's daemon, running until the world ends (service.h). */
struct world_service {
	struct sandbox_service *run;
	const struct step *st;    /* the step that started it: heads its output in the program log */
};

struct world_ns {
	int fd;                   /* the namespace */
	struct nl rtnl;           /* NETLINK_ROUTE requests, opened inside */
	int ioctl_fd;             /* a datagram socket inside, for ethtool ioctls */
};

struct world {
	const struct scenario *sc;
	struct world_ns ns[MAX_NETNS];
	unsigned nns;
	struct listener *listeners[MAX_LISTENERS];
	unsigned nlisteners;
	struct world_service services[MAX_SERVICES];
	unsigned nservices;
	char buf[NL_BUF_SIZE];    /* request buffer, one request at a time */
	bool attached;            /* verify mode: an existing setup, looked at and never changed */
	struct firewall fw;       /* how firewall and NAT steps are installed and read: nft unless
				     world_choose_firewall says otherwise */
	struct waits waits;       /* the run's waits (scaled), set by the runner */
	msec_t deadline;          /* the scenario's deadline (0: none): no wait inside goes past it (wait_within) */
	char missing[MAX_NETNS][96];   /* attached: why namespace i could not be opened ("" when it was) */
	int owner;                /* the sandbox user namespace that owns the namespaces (sandbox_owner.h); -1 attached */
	char *programs_log;       /* what exec, script and service steps printed since the last world_take_log; owned */
	size_t programs_len, programs_cap;   /* its length and its buffer's size (grown by doubling) */
};

/* Creates the scenario's namespaces, owned by a sandbox user namespace of the world's own, so the programs its
 * steps run hold capabilities over them and nothing else (firewall backend: nft until world_choose_firewall).
 * 0, or -errno with a message in err ("cannot create namespace: ..."). */
int world_create(struct world *w, const struct scenario *sc, char *err, size_t errlen);
void world_destroy(struct world *w);

/* Chooses the backend that installs the world's firewall and NAT steps, before any is applied; tools are
 * the iptables backends' programs (must outlive the world). */
void world_choose_firewall(struct world *w, enum backend b, const struct iptables_tools *tools);

/* Opens the world's sockets for ns (rtnetlink, and a datagram socket for ioctls) in the calling thread's
 * namespace; run it on a thread inside the namespace (netns_run, netns_create_with).  0 or -errno. */
int world_ns_sockets(void *ns);

/* Verify mode: the scenario's namespaces are existing ones: host_name is the namespace nsharness runs in,
 * every other name is /run/netns/NAME (or /var/run/netns/NAME).  Opens sockets in them and changes
 * nothing.  0, or -errno: -ENOENT when a namespace does not exist (err names it and what /run/netns holds),
 * or why the sockets could not be opened. */
int world_attach(struct world *w, const struct scenario *sc, const char *host_name, char *err, size_t errlen);

/* Verify mode, before anything runs: every namespace of sc but host_name exists in /run/netns.  0, or
 * -ENOENT with err naming the first missing one and listing what /run/netns holds. */
int world_attach_check(const struct scenario *sc, const char *host_name, char *err, size_t errlen);

/* Binds namespace ns (declared as created by a script) to fd, which the world then owns (closed on
 * failure too), and opens the world's sockets inside it.  0, or -errno with why in msg. */
int world_bind(struct world *w, unsigned ns, int fd, char *msg, size_t msglen);

/* Keeps what a program step printed, headed by the step's location and text. */
void world_log_output(struct world *w, const struct step *st, const char *output);

/* Hands the kept program output (with what the services printed by now) to the caller (to free), and starts
 * afresh; NULL when there is none. */
char *world_take_log(struct world *w);

/* The ifindex of interface name in namespace ns, or -errno (-ENODEV when there is none). */
int world_ifindex(struct world *w, unsigned ns, const char *name);

#endif
