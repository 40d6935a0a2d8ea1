#!/bin/sh
# net.sh builds thingsniff's live test network: two network namespaces
# joined by a veth pair, and nothing else is ever a target of its traffic.
#
#   tsn-router  veth-router 192.168.137.1/24: dnsmasq (DHCP .20-.50, DNS
#               answering liveupdate.samsung.example with 192.168.137.1)
#               and busybox httpd on :80 serving /liveupdate.jsp
#   tsn-thing   veth-thing, no address until it takes a DHCP lease
#
# usage: net.sh up       create the namespaces and start the servers
#        net.sh story    the thing: DHCP lease, DNS lookup, HTTP GET
#        net.sh static   give the thing 192.168.137.99 without DHCP
#        net.sh down     stop everything and delete the namespaces (always safe)
#
# State (pid files, web root, leases, logs) lives in $TSN_RUN
# (default /run/thingsniff-netns). Needs root, iproute2, dnsmasq, busybox.
set -eu

R=tsn-router
T=tsn-thing
RIF=veth-router
TIF=veth-thing
RMAC=02:74:73:6e:00:01
TMAC=02:74:73:6e:00:02
RUN=${TSN_RUN:-/run/thingsniff-netns}
HERE=$(cd "$(dirname "$0")" && pwd)
RESOLV=/etc/netns/$T/resolv.conf
URL='http://liveupdate.samsung.example/liveupdate.jsp?model=BD-5500&ver=1.2&region=EU'

up() {
	down
	mkdir -p "$RUN/www"
	ip netns add $R
	ip netns add $T
	ip link add $RIF netns $R address $RMAC type veth peer name $TIF netns $T address $TMAC
	for ns in $R $T; do
		# No IPv6: no router solicitations or DAD to blur the story.
		ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
		ip -n $ns link set lo up
	done
	ip -n $R addr add 192.168.137.1/24 dev $RIF
	ip -n $R link set $RIF up
	ip -n $T link set $TIF up
	# ip netns exec bind-mounts this file over /etc/resolv.conf for the thing.
	mkdir -p "/etc/netns/$T"
	: >"$RESOLV"

	ip netns exec $R dnsmasq --conf-file=/dev/null --user=root --group=root \
		--pid-file="$RUN/dnsmasq.pid" --dhcp-leasefile="$RUN/leases" --log-facility="$RUN/dnsmasq.log" \
		--interface=$RIF --bind-interfaces --no-resolv --no-hosts --no-poll \
		--dhcp-range=192.168.137.20,192.168.137.50,255.255.255.0,1h --dhcp-authoritative \
		--address=/liveupdate.samsung.example/192.168.137.1

	printf '*.jsp:/bin/sh\n' >"$RUN/httpd.conf"
	cp "$HERE/liveupdate.jsp" "$RUN/www/liveupdate.jsp"
	ip netns exec $R busybox httpd -f -p 192.168.137.1:80 -h "$RUN/www" -c "$RUN/httpd.conf" \
		</dev/null >"$RUN/httpd.log" 2>&1 &
	echo $! >"$RUN/httpd.pid"
	# dnsmasq listens once it has daemonized; wait until httpd listens
	# too (192.168.137.1:80 in /proc/net/tcp), so the story never races it.
	i=0
	until ip netns exec $R cat /proc/net/tcp | grep -q '0189A8C0:0050 00000000:0000 0A'; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "net.sh: httpd did not start, see $RUN/httpd.log" >&2; exit 1; }
		sleep 0.05
	done
}

story() {
	ip netns exec $T env TSN_RESOLV="$RESOLV" busybox udhcpc -i $TIF -f -q -n -t 5 -T 3 \
		-x hostname:bd-5500 -V "SAMSUNG BD-5500" -s "$HERE/udhcpc.script"
	ip netns exec $T busybox wget -q -O - "$URL"
	echo
}

static() {
	ip -n $T addr replace 192.168.137.99/24 dev $TIF
}

down() {
	# Every process left in the namespaces (servers, a capture, a DHCP
	# client): they would outlive the namespace otherwise.
	for ns in $R $T; do
		pids=$(ip netns pids $ns 2>/dev/null || true)
		[ -z "$pids" ] || kill $pids 2>/dev/null || true
	done
	ip netns del $R 2>/dev/null || true
	ip netns del $T 2>/dev/null || true
	rm -rf "/etc/netns/$R" "/etc/netns/$T" "$RUN"
}

case "${1:-}" in
up) up ;;
story) story ;;
static) static ;;
down) down ;;
*) echo "usage: $0 up|story|static|down" >&2; exit 2 ;;
esac
