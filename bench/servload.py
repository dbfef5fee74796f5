#!/usr/bin/env python3
"""servload.py: the load and the arithmetic of bench/server.sh.

It runs inside the namespaces that server.sh creates and talks only to the
addresses it is given there. Subcommands:

  listen ADDR PORT            a kernel TCP listener that accepts and closes,
                              the reference for the SYN-ACK turnaround
  churn ADDR PORT N GAP_MS    N connections one after another: connect, then
                              close; a pause of GAP_MS between two
  hold ADDR PORT N SECS       open N connections and keep them, then (with
                              "request") send one keep-alive request on each;
                              prints a line at each stage and lives SECS
  turnaround                  reads "tcpdump -tt -nn -r" text on stdin and
                              prints the SYN -> SYN-ACK delays, paired by
                              4-tuple, with their median and percentiles

It never prints anything the shell script does not read.
"""
import math
import os
import resource
import select
import signal
import socket
import sys
import time

REQ = (b"GET /truedei/test?name=zhenghui HTTP/1.1\r\n"
       b"Host: 192.168.101.5:8080\r\n\r\n")


def listen(addr, port):
    """Accepts and closes connections until killed."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(4096)
    print("listening", flush=True)
    while True:
        c, _ = s.accept()
        c.close()


def churn(addr, port, n, gap_ms):
    """Connects and closes n times; prints how many connected."""
    ok = failed = 0
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect((addr, port))
            ok += 1
        except OSError:
            failed += 1
        s.close()
        if gap_ms > 0:
            time.sleep(gap_ms / 1000.0)
    print("connected %d failed %d" % (ok, failed), flush=True)


def open_many(addr, port, n):
    """Opens n connections, 64 handshakes in flight at a time."""
    socks, pending, failed = [], {}, 0
    poller = select.poll()
    started = 0
    deadline = time.time() + 60
    while (started < n or pending) and time.time() < deadline:
        while started < n and len(pending) < 64:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex((addr, port))
            pending[s.fileno()] = s
            poller.register(s, select.POLLOUT)
            started += 1
        for fd, _ in poller.poll(1000):
            s = pending.pop(fd)
            poller.unregister(fd)
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                socks.append(s)
            else:
                failed += 1
                s.close()
    return socks, failed + len(pending)


def request_each(socks):
    """One keep-alive request on every connection; counts the answers."""
    answered = 0
    for i in range(0, len(socks), 256):
        group = socks[i:i + 256]
        for s in group:
            s.sendall(REQ)
        for s in group:
            s.setblocking(True)
            s.settimeout(5)
            got = b""
            try:
                while b"This is zhenghui" not in got:
                    part = s.recv(4096)
                    if not part:
                        break
                    got += part
            except OSError:
                pass
            if b"This is zhenghui" in got:
                answered += 1
    return answered


def hold(addr, port, n, secs, with_request):
    """Opens n connections and keeps them open for secs seconds."""
    print("pid %d" % os.getpid(), flush=True)
    want = n + 256
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, max(hard, want)))
    socks, failed = open_many(addr, port, n)
    print("open %d failed %d" % (len(socks), failed), flush=True)
    if with_request:
        # Wait for the go-ahead (SIGUSR1), so that the RSS can be read
        # between the two stages.
        signal.sigwait([signal.SIGUSR1])
        print("answered %d" % request_each(socks), flush=True)
    time.sleep(secs)


def percentile(v, p):
    """The p-th percentile of the sorted list v (nearest rank)."""
    k = max(0, min(len(v) - 1, math.ceil(p / 100.0 * len(v)) - 1))
    return v[k]


def turnaround():
    """Pairs SYNs and SYN-ACKs from tcpdump's text; prints the delays."""
    syn, delays, unpaired, retrans = {}, [], 0, 0
    for line in sys.stdin:
        f = line.split()
        # 1732412345.123456789 IP A.B.C.D.P > E.F.G.H.Q: Flags [S], ...
        if len(f) < 7 or f[1] != "IP" or f[5] != "Flags":
            continue
        t, src, dst, flags = float(f[0]), f[2], f[4].rstrip(":"), f[6]
        if flags == "[S],":
            if (src, dst) in syn:
                retrans += 1
            else:
                syn[(src, dst)] = t
        elif flags == "[S.],":
            t0 = syn.pop((dst, src), None)
            if t0 is None:
                unpaired += 1
            else:
                delays.append((t - t0) * 1e6)
    delays.sort()
    if not delays:
        print("pairs 0")
        return
    print("pairs %d unanswered %d retransmitted %d unpaired %d" %
          (len(delays), len(syn), retrans, unpaired))
    print("median_us %.1f p90_us %.1f p99_us %.1f min_us %.1f max_us %.1f" %
          (percentile(delays, 50), percentile(delays, 90),
           percentile(delays, 99), delays[0], delays[-1]))


def main(argv):
    if len(argv) >= 3 and argv[1] == "listen":
        listen(argv[2], int(argv[3]))
    elif len(argv) == 6 and argv[1] == "churn":
        churn(argv[2], int(argv[3]), int(argv[4]), float(argv[5]))
    elif len(argv) in (6, 7) and argv[1] == "hold":
        hold(argv[2], int(argv[3]), int(argv[4]), float(argv[5]),
             len(argv) == 7 and argv[6] == "request")
    elif len(argv) == 2 and argv[1] == "turnaround":
        turnaround()
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
    sys.exit(main(sys.argv))
