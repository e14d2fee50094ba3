"""net_tests.py - tests of the network stack up to IP (e1000, lo, ARP,
IPv4, ICMP) and its monitor commands.

NET_SPECS: kernel tests (KTEST, tests/kernel/test_net.c) and what the
harness needs to know about them, in the form specs.py uses ("net": True
gives the boot an e1000 on restricted user networking).  A test that needs
the NIC or a fault-injection option skips without it (ktest_skip), and
judge.py fails a skip no spec allows, so a missing NIC can never pass.
NET_TESTS: harness tests, each a function (log_path) -> None on pass or a
reason.
"""
import re

import kernel

E1000_UP = r"e1000: eth0: 52:54:00:12:34:56, link up, irq \d+$"

NET_SPECS = {
    "net_e1000_probed_with_qemu_mac_and_link_up": dict(
        net=True,
        expect=[r"pci: 00:\w\w\.0 8086:100e class 02\.00\.00 Ethernet controller", E1000_UP,
                r"net: address 10\.0\.2\.15/24, gateway 10\.0\.2\.2$"]),
    "net_ping_gateway_gets_replies": dict(net=True, expect=[E1000_UP]),
    "net_routes_loopback_subnet_and_gateway": dict(net=True),
    "net_arp_retries_then_gives_up_on_a_silent_address": dict(net=True),
    "net_drop_every_nth_tcp_segment_from_seed": dict(
        cmdline="net_drop=3 seed=1",
        expect=[r"net: net_drop=3 seed=1: dropping received TCP segment 2 and every 3 after it"]),
    "net_reorder_every_nth_tcp_segment_from_seed": dict(
        cmdline="net_reorder=2 seed=0",
        expect=[r"net: net_reorder=2 seed=0: delaying past the next received TCP segment 2 "
                r"and every 2 after it"]),
}


def net_monitor_ifconfig_arp_ping(log):
    """ifconfig, ping (gateway and lo) and arp typed into the monitor of a
    boot with the e1000: each answer must come back with its numbers."""
    script = "ifconfig\nping 10.0.2.2 2\nping 127.0.0.1 1\narp\nping 10.0.2.2 x\nifconfig\nhalt\n"
    rc = kernel.boot("monitor", log, stdin_text=script, net=True)
    text = kernel.read_log(log)
    if rc != 0:
        return f"qemu-boot status {rc} (halt should report success)"
    expect = [
        r"swiod> ifconfig\nlo: inet 127\.0\.0\.1/8 mtu 1500 link up",
        r"^eth0: inet 10\.0\.2\.15/24 mtu 1500 link up hwaddr 52:54:00:12:34:56$",
        # e1000_offload=tso by default; ping and ARP give the NIC no TCP work.
        r"^    offload tso, csum: 0 TSO frames, 0 checksums by the NIC$",
        r"^ip dropped: truncated 0, bad version 0, ",
        r"ping 10\.0\.2\.2: seq 2: reply in \d+ ms\nping 10\.0\.2\.2: 2 sent, 2 received",
        r"ping 127\.0\.0\.1: 1 sent, 1 received",
        r"swiod> arp\n10\.0\.2\.2 +52:55:0a:00:02:02 eth0",
        r"swiod> ping 10\.0\.2\.2 x\nping: COUNT is 1\.\.100",
        r"^icmp: in \d+, bad 0, echo requests in 1 / replies out 1, "
        r"requests out 3 / replies in 3$",
        r"monitor: halt \(0 test failures in this boot\)",
    ]
    for pattern in expect:
        if not re.search(pattern, text, re.M):
            return f"missing monitor output matching /{pattern}/"
    return None


NET_TESTS = {
    "net_monitor_ifconfig_arp_ping": net_monitor_ifconfig_arp_ping,
}
