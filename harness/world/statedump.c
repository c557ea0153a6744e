/* statedump.c — a namespace's state as evidence: one section after another, each saying why when it cannot be read. */
#include "harness/world/statedump.h"
#include "harness/world/conntrack.h"
#include "harness/base/netns.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <nftables/libnftables.h>
#include <stdlib.h>
#include <string.h>

static void section(FILE *out, const char *name)
{
	fprintf(out, "== %s\n", name);
}

static void cannot(FILE *out, int err)
{
	fprintf(out, "(cannot read: %s)\n", strerror(-err));
}

static void none(FILE *out)
{
	fprintf(out, "(none)\n");
}

/* ---- nft, run inside the namespace ---- */

struct nft_call {
	const char *cmd;
	char *output;
};

/* libnftables is loaded on first use: only a failed stage's evidence needs nft's syntax, and the library
 * brings libxtables, libjansson and libgmp with it, which every passing run would otherwise load. */
static struct {
	struct nft_ctx *(*ctx_new)(uint32_t flags);
	void (*ctx_free)(struct nft_ctx *ctx);
	int (*buffer_output)(struct nft_ctx *ctx);
	int (*buffer_error)(struct nft_ctx *ctx);
	const char *(*output)(struct nft_ctx *ctx);
	const char *(*error)(struct nft_ctx *ctx);
	int (*run)(struct nft_ctx *nft, const char *buf);
	bool loaded;
} lib;

static void load_libnftables(void)
{
	void *h = dlopen("libnftables.so.1", RTLD_NOW | RTLD_LOCAL);

	if (!h)
		return;
	lib.ctx_new = (struct nft_ctx * (*)(uint32_t))dlsym(h, "nft_ctx_new");
	lib.ctx_free = (void (*)(struct nft_ctx *))dlsym(h, "nft_ctx_free");
	lib.buffer_output = (int (*)(struct nft_ctx *))dlsym(h, "nft_ctx_buffer_output");
	lib.buffer_error = (int (*)(struct nft_ctx *))dlsym(h, "nft_ctx_buffer_error");
	lib.output = (const char *(*)(struct nft_ctx *))dlsym(h, "nft_ctx_get_output_buffer");
	lib.error = (const char *(*)(struct nft_ctx *))dlsym(h, "nft_ctx_get_error_buffer");
	lib.run = (int (*)(struct nft_ctx *, const char *))dlsym(h, "nft_run_cmd_from_buffer");
	lib.loaded = lib.ctx_new && lib.ctx_free && lib.buffer_output && lib.buffer_error && lib.output &&
		     lib.error && lib.run;
}

/* The context owns a netlink socket, so it is made, used and freed on the namespace's thread. */
static int nft_in_thread(void *p)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct nft_call *c = p;
	struct nft_ctx *ctx;
	const char *text;
	int rc;

	pthread_once(&once, load_libnftables);
	if (!lib.loaded) {
		c->output = strdup("libnftables.so.1 is not installed (Debian package libnftables1)");
		return -ENOSYS;
	}
	ctx = lib.ctx_new(NFT_CTX_DEFAULT);
	if (!ctx)
		return -ENOMEM;
	if (lib.buffer_output(ctx) || lib.buffer_error(ctx)) {
		lib.ctx_free(ctx);
		return -ENOMEM;
	}
	rc = lib.run(ctx, c->cmd);
	text = rc ? lib.error(ctx) : lib.output(ctx);
	c->output = strdup(text ? text : "");
	lib.ctx_free(ctx);
	if (!c->output)
		return -ENOMEM;
	return rc ? -EINVAL : 0;
}

int nft_cmd_in_ns(int nsfd, const char *cmd, char **output)
{
	struct nft_call c = { cmd, NULL };
	int err = netns_run(nsfd, nft_in_thread, &c);

	*output = c.output;
	return err;
}

static void nft_section(int nsfd, FILE *out)
{
	char *text = NULL;
	int err = nft_cmd_in_ns(nsfd, "list ruleset", &text);
	size_t len = text ? strlen(text) : 0;

	section(out, "nftables");
	while (len && text[len - 1] == '\n')
		text[--len] = '\0';
	if (err && len)
		fprintf(out, "(cannot read: %s)\n", text);
	else if (err)
		cannot(out, err);
	else if (!len)
		none(out);
	else
		fprintf(out, "%s\n", text);
	free(text);
}

/* ---- rtnetlink ---- */

/* Every section but links; their lines resolve ifindexes through the links read first. */
static const struct {
	const char *name;
	int (*print)(struct nl *rtnl, const struct sd_links *links, FILE *out, unsigned *count);
} rtnl_sections[] = {
	{ "addresses", sd_addrs_print },
	{ "routes", sd_routes_print },
	{ "neighbours", sd_neighs_print },
	{ "nexthops", sd_nexthops_print },
};

/* Writes the links, addresses, routes and neighbours sections and leaves the links in links.  Returns 0 or
 * the -errno of opening the socket (each section then says so). */
static int rtnl_dump(int nsfd, FILE *out, struct sd_links *links)
{
	struct nl rtnl;
	int open_err = nl_open(&rtnl, nsfd, NETLINK_ROUTE, 0);
	int err = open_err;
	unsigned count;

	section(out, "links");
	if (!open_err) {
		err = sd_links_read(&rtnl, links);
		sd_links_print(links, out);
	}
	if (err)
		cannot(out, err);
	else if (!links->n)
		none(out);
	for (size_t i = 0; i < sizeof(rtnl_sections) / sizeof(rtnl_sections[0]); i++) {
		section(out, rtnl_sections[i].name);
		err = open_err ? open_err : rtnl_sections[i].print(&rtnl, links, out, &count);
		if (err)
			cannot(out, err);
		else if (!count)
			none(out);
	}
	if (!open_err)
		nl_close(&rtnl);
	return open_err;
}

/* ---- conntrack ---- */

struct ct_print {
	FILE *out;
	unsigned count;
};

static int ct_line(const struct ct_entry *e, void *arg)
{
	struct ct_print *p = arg;
	char buf[512];

	fprintf(p->out, "%s\n", ct_entry_str(e, buf, sizeof(buf)));
	p->count++;
	return 0;
}

static void ct_section(int nsfd, FILE *out)
{
	struct ct_print p = { out, 0 };
	int err;

	section(out, "conntrack");
	err = conntrack_dump(nsfd, ct_line, &p);
	if (err)
		cannot(out, err);
	else if (!p.count)
		none(out);
}

/* ---- sysctls ---- */

/* "net.ipv4.ip_forward = 1", or why it cannot be read; key uses '/' separators, shown is sysctl(8)'s name. */
static void sysctl_line(int nsfd, FILE *out, const char *key, const char *shown)
{
	char value[128];
	int err = netns_sysctl_read(nsfd, key, value, sizeof(value));

	if (err)
		fprintf(out, "%s: cannot read: %s\n", shown, strerror(-err));
	else
		fprintf(out, "%s = %s\n", shown, value);
}

/* net.ipv4.conf.<conf>.<leaf>; sysctl(8) writes a '.' in an interface name as '/'. */
static void conf_line(int nsfd, FILE *out, const char *conf, const char *leaf)
{
	char key[128], shown[128], name[IFNAMSIZ];

	snprintf(name, sizeof(name), "%s", conf);
	for (char *c = name; *c; c++)
		if (*c == '.')
			*c = '/';
	snprintf(key, sizeof(key), "net/ipv4/conf/%s/%s", conf, leaf);
	snprintf(shown, sizeof(shown), "net.ipv4.conf.%s.%s", name, leaf);
	sysctl_line(nsfd, out, key, shown);
}

static void sysctl_section(int nsfd, const struct sd_links *links, FILE *out)
{
	section(out, "sysctls");
	sysctl_line(nsfd, out, "net/ipv4/ip_forward", "net.ipv4.ip_forward");
	sysctl_line(nsfd, out, "net/ipv6/conf/all/forwarding", "net.ipv6.conf.all.forwarding");
	conf_line(nsfd, out, "all", "rp_filter");
	conf_line(nsfd, out, "default", "rp_filter");
	for (unsigned i = 0; i < links->n; i++) {
		conf_line(nsfd, out, links->v[i].name, "rp_filter");
		conf_line(nsfd, out, links->v[i].name, "forwarding");
	}
}

int state_dump(int nsfd, const char *ns_name, FILE *out)
{
	struct sd_links links = { NULL, 0, 0 };
	int err;

	fprintf(out, "# namespace %s\n", ns_name);
	err = rtnl_dump(nsfd, out, &links);
	nft_section(nsfd, out);
	ct_section(nsfd, out);
	sysctl_section(nsfd, &links, out);
	sd_links_free(&links);
	if (fflush(out) || ferror(out))
		return -EIO;
	return err;
}
