/* genl_wireguard.h — WireGuard over generic netlink (linux/wireguard.h), without a crypto library: a private
 * key is 32 random bytes clamped as X25519 requires, and the kernel derives the public key, which
 * WG_CMD_GET_DEVICE returns.
 *
 * Pure request builders and reply parsers over a caller's buffer (NL_BUF_SIZE bytes), like rtnl_msg.h, so
 * the unit tests check their bytes; only wg_key_generate asks anything of the system (getrandom). */
#ifndef NSH_GENL_WIREGUARD_H
#define NSH_GENL_WIREGUARD_H

#include "harness/base/addr.h"

#include <libmnl/libmnl.h>
#include <stdint.h>

#define WG_KEY_BYTES 32

/* Clamps a Curve25519 private key in place (RFC 7748 §5, as `wg genkey` does): clears the low three bits
 * and the top bit, sets bit 254. */
void wg_key_clamp(uint8_t key[WG_KEY_BYTES]);
/* A fresh private key: 32 bytes from getrandom(2), clamped.  0 or -errno. */
int wg_key_generate(uint8_t key[WG_KEY_BYTES]);

/* CTRL_CMD_GETFAMILY for a generic netlink family by name ("wireguard"), acknowledged. */
struct nlmsghdr *genl_msg_family_get(void *buf, const char *name);
/* The family id (CTRL_ATTR_FAMILY_ID) of a CTRL_CMD_NEWFAMILY answer.  0, or -EBADMSG without one. */
int genl_parse_family_id(const struct nlmsghdr *nlh, uint16_t *id);

/* The one peer an end is given: its public key, where it listens (endpoint:port), and the sources it may
 * send from (allowed, n prefixes). */
struct wg_peer {
	const uint8_t *public_key;
	const struct addr *endpoint;
	uint16_t port;
	const struct prefix *allowed;
	unsigned nallowed;
};

/* WG_CMD_SET_DEVICE on ifindex: its private key and listen port when key is non-NULL; its peers replaced by
 * peer (allowed-ips replaced too) when peer is non-NULL. */
struct nlmsghdr *wg_msg_set_device(void *buf, uint16_t family, int ifindex, const uint8_t *key, uint16_t port,
				   const struct wg_peer *peer);
/* WG_CMD_GET_DEVICE on ifindex (a dump: the kernel has no plain get for it). */
struct nlmsghdr *wg_msg_get_device(void *buf, uint16_t family, int ifindex);
/* WGDEVICE_A_PUBLIC_KEY of a GET_DEVICE answer.  0, or -ENOKEY when the device has no key yet, -EBADMSG. */
int wg_parse_public_key(const struct nlmsghdr *nlh, uint8_t key[WG_KEY_BYTES]);

#endif
