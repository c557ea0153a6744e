/* bytes_check.h — a netlink request against the bytes iproute2 (or another reference) sends for it. */
#ifndef NSH_BYTES_CHECK_H
#define NSH_BYTES_CHECK_H

#include <linux/netlink.h>
#include <stddef.h>

/* Asserts that nlh is exactly want[0..len), its length included; each differing byte is printed. */
void assert_bytes(const struct nlmsghdr *nlh, const unsigned char *want, size_t len);

#endif
