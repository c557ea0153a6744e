/* wireguard.c — a WireGuard pair made real: links over rtnetlink, keys and peers over the "wireguard"
 * generic netlink family, each request opened inside the end's own namespace.  The private keys never leave
 * this process and the kernel; they are not logged. */
#include "harness/world/wireguard.h"
#include "harness/base/genl_wireguard.h"
#include "harness/base/rtnl_newlink.h"
#include "harness/world/requires.h"

#include <errno.h>
#include <linux/wireguard.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* One end as it is made. */
struct wg_end {
	int ifindex;
	struct nl genl;
	uint16_t family;
	uint8_t key[WG_KEY_BYTES], pub[WG_KEY_BYTES];
};

static int on_family(const struct nlmsghdr *nlh, void *data)
{
	return genl_parse_family_id(nlh, data) ? MNL_CB_ERROR : MNL_CB_OK;
}

static int on_device(const struct nlmsghdr *nlh, void *data)
{
	return wg_parse_public_key(nlh, data) ? MNL_CB_ERROR : MNL_CB_OK;
}

/* The link of end i; a kernel without WireGuard makes the stage "cannot run here". */
static int make_link(struct world *w, const struct ifref *ref, struct wg_end *e, char *msg, size_t msglen)
{
	const struct link_params p = { .kind = LINK_WIREGUARD, .mode = -1 };
	char why[NL_MSG_LEN] = "";
	int ret = nl_talk(&w->ns[ref->ns].rtnl, rtnl_msg_newlink(w->buf, ref->name, &p, 0), NULL, NULL, why,
			  sizeof(why));

	if (ret && link_kind_missing(ret)) {
		snprintf(msg, msglen, "this kernel lacks 'wireguard' (%s): %s", link_kinds[LINK_WIREGUARD].feature,
			 why[0] ? why : strerror(-ret));
		return -ENOPKG;
	}
	if (ret) {
		snprintf(msg, msglen, "%s/%s: %s", w->sc->netns[ref->ns].name, ref->name, why[0] ? why : strerror(-ret));
		return ret;
	}
	e->ifindex = world_ifindex(w, ref->ns, ref->name);
	if (e->ifindex < 0)
		snprintf(msg, msglen, "%s/%s was created but cannot be found: %s", w->sc->netns[ref->ns].name, ref->name,
			 strerror(-e->ifindex));
	return e->ifindex < 0 ? e->ifindex : 0;
}

/* Its generic netlink socket, the family's id, its private key and port, and the public key read back.  0, or
 * -errno with what was being done and why in msg. */
static int key_end(struct world *w, const struct step *st, unsigned i, struct wg_end *e, char *msg, size_t msglen)
{
	const struct ifref *ref = &st->u.wireguard.end[i];
	char why[NL_MSG_LEN] = "";
	const char *doing = "opening generic netlink";
	int ret = nl_open(&e->genl, w->ns[ref->ns].fd, NETLINK_GENERIC, 0);

	if (ret)
		goto out;
	doing = "finding the wireguard generic netlink family";
	ret = nl_talk(&e->genl, genl_msg_family_get(w->buf, WG_GENL_NAME), on_family, &e->family, why, sizeof(why));
	if (ret == 0 && e->family == 0)
		ret = -ENOENT;
	if (ret)
		goto out;
	doing = "generating a private key";
	if ((ret = wg_key_generate(e->key)))
		goto out;
	doing = "setting its private key and port";
	ret = nl_talk(&e->genl, wg_msg_set_device(w->buf, e->family, e->ifindex, e->key, st->u.wireguard.port, NULL),
		      NULL, NULL, why, sizeof(why));
	if (ret)
		goto out;
	doing = "reading its public key";
	ret = nl_talk(&e->genl, wg_msg_get_device(w->buf, e->family, e->ifindex), on_device, e->pub, why, sizeof(why));
out:
	if (ret)
		snprintf(msg, msglen, "%s/%s: %s: %s", w->sc->netns[ref->ns].name, ref->name, doing,
			 why[0] ? why : strerror(-ret));
	return ret;
}

/* End i's one peer: the other end, at its own underlay address, sending from its allowed-ips. */
static int peer_end(struct world *w, const struct step *st, unsigned i, struct wg_end *ends, char *msg,
		    size_t msglen)
{
	const typeof(st->u.wireguard) *wg = &st->u.wireguard;
	static const struct prefix everything[] = { { .addr.family = AF_INET }, { .addr.family = AF_INET6 } };
	unsigned o = 1 - i;
	struct wg_peer peer = {
		.public_key = ends[o].pub, .endpoint = &wg->endpoint[o], .port = wg->port,
		.allowed = wg->nallowed[o] ? wg->allowed[o] : everything, .nallowed = wg->nallowed[o] ? wg->nallowed[o] : 2,
	};
	char why[NL_MSG_LEN] = "";
	int ret = nl_talk(&ends[i].genl, wg_msg_set_device(w->buf, ends[i].family, ends[i].ifindex, NULL, 0, &peer),
			  NULL, NULL, why, sizeof(why));

	if (ret)
		snprintf(msg, msglen, "%s/%s: setting its peer: %s", w->sc->netns[wg->end[i].ns].name, wg->end[i].name,
			 why[0] ? why : strerror(-ret));
	return ret;
}

int wireguard_apply(struct world *w, const struct step *st, char *msg, size_t msglen)
{
	struct wg_end ends[2];
	int ret = 0;

	memset(ends, 0, sizeof(ends));
	for (unsigned i = 0; i < 2 && ret == 0; i++)
		ret = make_link(w, &st->u.wireguard.end[i], &ends[i], msg, msglen);
	for (unsigned i = 0; i < 2 && ret == 0; i++)
		ret = key_end(w, st, i, &ends[i], msg, msglen);
	for (unsigned i = 0; i < 2 && ret == 0; i++)
		ret = peer_end(w, st, i, ends, msg, msglen);
	for (unsigned i = 0; i < 2; i++) {
		nl_close(&ends[i].genl);
		explicit_bzero(ends[i].key, sizeof(ends[i].key));
	}
	return ret;
}
