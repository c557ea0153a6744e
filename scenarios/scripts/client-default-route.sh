#!/bin/sh
# Gives the client namespace NAME (made by an earlier script) its default route: client-default-route.sh NAME GW
set -e
ip netns exec "$1" ip route add default via "$2"
ip -n "$1" route show
