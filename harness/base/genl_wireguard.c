/* genl_wireguard.c — WireGuard's generic netlink requests and answers (genl_wireguard.h). */
#include "harness/base/genl_wireguard.h"
#include "harness/base/nl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/wireguard.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

void wg_key_clamp(uint8_t key[WG_KEY_BYTES])
{
	key[0] &= 248;
	key[31] = (uint8_t)((key[31] & 127) | 64);
}

int wg_key_generate(uint8_t key[WG_KEY_BYTES])
{
	ssize_t n = getrandom(key, WG_KEY_BYTES, 0);

	if (n < 0)
		return -errno;
	if (n != WG_KEY_BYTES)
		return -EIO;
	wg_key_clamp(key);
	return 0;
}

static struct nlmsghdr *genl_start(void *buf, uint16_t family, uint16_t flags, uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	memset(buf, 0, NL_BUF_SIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

struct nlmsghdr *genl_msg_family_get(void *buf, const char *name)
{
	struct nlmsghdr *nlh = genl_start(buf, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, CTRL_CMD_GETFAMILY, 1);

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	return nlh;
}

static int attr_at(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type <= WGDEVICE_A_MAX && type <= CTRL_ATTR_MAX)   /* both tables are read through this */
		tb[type] = a;
	return MNL_CB_OK;
}

int genl_parse_family_id(const struct nlmsghdr *nlh, uint16_t *id)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = { NULL };

	if (nlh->nlmsg_type != GENL_ID_CTRL || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct genlmsghdr)) ||
	    mnl_attr_parse(nlh, sizeof(struct genlmsghdr), attr_at, tb) < 0 || !tb[CTRL_ATTR_FAMILY_ID] ||
	    mnl_attr_validate(tb[CTRL_ATTR_FAMILY_ID], MNL_TYPE_U16) < 0)
		return -EBADMSG;
	*id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	return 0;
}

/* WGPEER_A_ENDPOINT: a struct sockaddr_in or sockaddr_in6. */
static void put_endpoint(struct nlmsghdr *nlh, const struct addr *a, uint16_t port)
{
	if (a->family == AF_INET6) {
		struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

		memcpy(&sin6.sin6_addr, a->bytes, 16);
		mnl_attr_put(nlh, WGPEER_A_ENDPOINT, sizeof(sin6), &sin6);
	} else {
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };

		memcpy(&sin.sin_addr, a->bytes, 4);
		mnl_attr_put(nlh, WGPEER_A_ENDPOINT, sizeof(sin), &sin);
	}
}

/* The peer's nest (index 0 of WGDEVICE_A_PEERS), its allowed-ips each a nest of its own, as wg(8) sends. */
static void put_peer(struct nlmsghdr *nlh, const struct wg_peer *p)
{
	struct nlattr *peers = mnl_attr_nest_start(nlh, WGDEVICE_A_PEERS);
	struct nlattr *peer = mnl_attr_nest_start(nlh, 0), *ips;

	mnl_attr_put(nlh, WGPEER_A_PUBLIC_KEY, WG_KEY_BYTES, p->public_key);
	mnl_attr_put_u32(nlh, WGPEER_A_FLAGS, WGPEER_F_REPLACE_ALLOWEDIPS);
	put_endpoint(nlh, p->endpoint, p->port);
	ips = mnl_attr_nest_start(nlh, WGPEER_A_ALLOWEDIPS);
	for (unsigned i = 0; i < p->nallowed; i++) {
		const struct prefix *pf = &p->allowed[i];
		struct nlattr *ip = mnl_attr_nest_start(nlh, 0);

		mnl_attr_put_u16(nlh, WGALLOWEDIP_A_FAMILY, (uint16_t)pf->addr.family);
		mnl_attr_put(nlh, WGALLOWEDIP_A_IPADDR, pf->addr.family == AF_INET6 ? 16 : 4, pf->addr.bytes);
		mnl_attr_put_u8(nlh, WGALLOWEDIP_A_CIDR_MASK, (uint8_t)pf->len);
		mnl_attr_nest_end(nlh, ip);
	}
	mnl_attr_nest_end(nlh, ips);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, peers);
}

struct nlmsghdr *wg_msg_set_device(void *buf, uint16_t family, int ifindex, const uint8_t *key, uint16_t port,
				   const struct wg_peer *peer)
{
	struct nlmsghdr *nlh = genl_start(buf, family, NLM_F_REQUEST | NLM_F_ACK, WG_CMD_SET_DEVICE, WG_GENL_VERSION);

	mnl_attr_put_u32(nlh, WGDEVICE_A_IFINDEX, (uint32_t)ifindex);
	if (key) {
		mnl_attr_put(nlh, WGDEVICE_A_PRIVATE_KEY, WG_KEY_BYTES, key);
		mnl_attr_put_u16(nlh, WGDEVICE_A_LISTEN_PORT, port);
	}
	if (peer) {
		mnl_attr_put_u32(nlh, WGDEVICE_A_FLAGS, WGDEVICE_F_REPLACE_PEERS);
		put_peer(nlh, peer);
	}
	return nlh;
}

struct nlmsghdr *wg_msg_get_device(void *buf, uint16_t family, int ifindex)
{
	struct nlmsghdr *nlh = genl_start(buf, family, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, WG_CMD_GET_DEVICE,
					  WG_GENL_VERSION);

	mnl_attr_put_u32(nlh, WGDEVICE_A_IFINDEX, (uint32_t)ifindex);
	return nlh;
}

int wg_parse_public_key(const struct nlmsghdr *nlh, uint8_t key[WG_KEY_BYTES])
{
	const struct nlattr *tb[WGDEVICE_A_MAX + 1] = { NULL };

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct genlmsghdr)) ||
	    mnl_attr_parse(nlh, sizeof(struct genlmsghdr), attr_at, tb) < 0)
		return -EBADMSG;
	if (!tb[WGDEVICE_A_PUBLIC_KEY])
		return -ENOKEY;
	if (mnl_attr_get_payload_len(tb[WGDEVICE_A_PUBLIC_KEY]) != WG_KEY_BYTES)
		return -EBADMSG;
	memcpy(key, mnl_attr_get_payload(tb[WGDEVICE_A_PUBLIC_KEY]), WG_KEY_BYTES);
	return 0;
}
