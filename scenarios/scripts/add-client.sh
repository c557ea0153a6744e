#!/bin/bash
# Adds one client namespace behind this host: add-client.sh NAME CLIENT_ADDR/LEN HOST_ADDR [IFNAME]
# A bash script (arrays, [[ ]], ${var%/*}): nsharness runs it with the interpreter its first line names, and
# hands it its arguments as they are written in the scenario.
set -euo pipefail

if [[ $# -lt 3 ]]; then
	echo "usage: $0 NAME CLIENT_ADDR/LEN HOST_ADDR [IFNAME]" >&2
	exit 2
fi
name=$1 client=$2 host=$3 ifname=${4:-veth-$1}
len=${client#*/}
steps=(
	"ip netns add $name"
	"ip link add $ifname type veth peer name eth0 netns $name"
	"ip addr add $host/$len dev $ifname"
	"ip link set $ifname up"
	"ip -n $name addr add $client dev eth0"
	"ip -n $name link set eth0 up"
	"ip -n $name link set lo up"
)
for step in "${steps[@]}"; do
	echo "+ $step"
	$step
done
