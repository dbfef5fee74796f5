#!/usr/bin/env python3
# hostile.py: the hostile party of tests/hostile.sh, on python's standard
# library only. It crafts Ethernet, IPv4 and TCP headers itself (struct,
# checksums by hand) and sends and reads whole frames on one veth end with
# an AF_PACKET socket, from addresses no interface holds, so that no
# kernel answers for them.
#
#   client  IFACE DMAC SRC DST PORT [--mss N] [--win1] [--hold F]
#           a TCP client from SRC: the SYN offers mss N (none without
#           --mss) and timestamps; with --win1 every segment after the SYN
#           offers a window of 1. It fetches /truedei/test?name=zhenghui,
#           ACKs every segment, closes, and judges the server's segments.
#           With --hold F it creates F.held once the response is whole
#           (with --win1: once 100 bytes came, so that more wait) and goes
#           on only when F.go exists.
#   server  IFACE DMAC ADDR PORT READY [--mss N] [--win1]
#           a TCP server on ADDR:PORT: the SYN-ACK offers mss N and, with
#           --win1, a window of 1 that stays 1; it reads the request,
#           ACKing every segment, answers "This is zhenghui" and a FIN, and
#           judges the client's segments. It creates READY once it reads.
#   attack-server  IFACE DMAC SADDR PORT LOG
#           a kernel client of SADDR:PORT that keeps its connection while
#           this script, sniffing its numbers, injects RFC 5961's attacks
#           into the server (LOG is the server's trace), then a flood of
#           in-window RSTs.
#   attack-client  IFACE DMAC ADDR PORT READY TRACE
#           a kernel server on ADDR:PORT that sends its headers, lets this
#           script inject data and a FIN with old ACKs into the client
#           (TRACE is the client's trace), then sends its body.
#   run  RESULT CMD...
#           runs CMD and writes "EXIT-STATUS WALL-SECONDS CPU-SECONDS" (its
#           user and system time, its children's included) to RESULT.
#
# DMAC is the MAC address of the veth end across the link. Each verdict is
# one line, "PASS: what" or "FAIL: what", with "INFO: " lines between;
# every wait has a deadline. The exit status is 0 unless the script
# itself could not run.
import argparse
import os
import random
import resource
import select
import socket
import struct
import subprocess
import threading
import time

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10
ETH_P_ALL, ETH_P_IP = 0x0003, 0x0800
PACKET_OUTGOING = 4
M32 = 0xFFFFFFFF
REQUEST = b"GET /truedei/test?name=zhenghui HTTP/1.1\r\nHost: x\r\n\r\n"
RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Length: 16\r\n\r\n"
            b"This is zhenghui")


def verdict(ok, what):
    print("%s: %s" % ("PASS" if ok else "FAIL", what), flush=True)
    return ok


def info(what):
    print("INFO: " + what, flush=True)


def seq_lt(a, b):
    return ((a - b) & M32) > 0x7FFFFFFF


def seq_diff(a, b):
    """a - b as a signed 32-bit number."""
    d = (a - b) & M32
    return d - (1 << 32) if d & 0x80000000 else d


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def options(mss=None, ts=None, sackok=False):
    """TCP options in Linux's order; ts is (TSval, TSecr)."""
    o = b""
    if mss is not None:
        o += struct.pack("!BBH", 2, 4, mss)
    if sackok:
        o += b"\x01\x01\x04\x02"
    if ts is not None:
        o += b"\x01\x01" + struct.pack("!BBII", 8, 10, ts[0] & M32,
                                       ts[1] & M32)
    return o + b"\0" * (-len(o) % 4)


def frame(smac, dmac, src, dst, sport, dport, seq, ack, flags, win,
          opts=b"", payload=b"", ipid=0):
    s, d = socket.inet_aton(src), socket.inet_aton(dst)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & M32, ack & M32,
                      (5 + len(opts) // 4) << 4, flags, win, 0, 0)
    tcp += opts + payload
    c = csum(s + d + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), ipid, 0x4000,
                     64, 6, 0, s, d)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return dmac + smac + struct.pack("!H", ETH_P_IP) + ip + tcp


class Seg:
    """A TCP segment read from a frame."""

    def __init__(self, b, pkttype):
        self.t = time.monotonic()
        self.out = pkttype == PACKET_OUTGOING
        ihl = (b[14] & 0x0F) * 4
        tot = struct.unpack("!H", b[16:18])[0]
        self.src = socket.inet_ntoa(b[26:30])
        self.dst = socket.inet_ntoa(b[30:34])
        t = b[14 + ihl:14 + tot]
        (self.sport, self.dport, self.seq, self.ack, off, self.flags,
         self.win) = struct.unpack("!HHIIBBH", t[:16])
        doff = (off >> 4) * 4
        self.payload = bytes(t[doff:])
        self.mss = self.ts = self.wscale = None
        self.sackok = False
        o, i = t[20:doff], 0
        while i < len(o):
            k = o[i]
            if k == 0:
                break
            if k == 1:
                i += 1
                continue
            if i + 1 >= len(o) or o[i + 1] < 2:
                break
            n = o[i + 1]
            v = o[i + 2:i + n]
            if k == 2 and n == 4:
                self.mss = struct.unpack("!H", v)[0]
            elif k == 3 and n == 3:
                self.wscale = v[0]
            elif k == 4:
                self.sackok = True
            elif k == 8 and n == 10:
                self.ts = struct.unpack("!II", v)
            i += n

    def fl(self):
        return "".join(c for c, b in (("S", SYN), ("F", FIN), ("R", RST),
                                      ("P", PSH), (".", ACK))
                       if self.flags & b)

    def __str__(self):
        return "%s:%d > %s:%d [%s] seq %d ack %d win %d len %d" % (
            self.src, self.sport, self.dst, self.dport, self.fl(), self.seq,
            self.ack, self.win, len(self.payload))


class Link:
    """An AF_PACKET socket on one interface, which reads TCP segments."""

    def __init__(self, ifname, dmac):
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                               socket.htons(ETH_P_ALL))
        # SO_RCVBUFFORCE (root) past rmem_max: a flood's answers wait.
        self.s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)
        self.s.bind((ifname, ETH_P_ALL))
        with open("/sys/class/net/%s/address" % ifname) as f:
            self.mac = bytes.fromhex(f.read().strip().replace(":", ""))
        self.dmac = bytes.fromhex(dmac.replace(":", ""))
        self.ipid = random.randrange(65536)

    def send(self, *a, **k):
        self.ipid = (self.ipid + 1) & 0xFFFF
        self.s.send(frame(self.mac, self.dmac, *a, ipid=self.ipid, **k))

    def recv(self, deadline, want):
        """The next segment for which want(seg) is true, or None at the
        deadline (time.monotonic())."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if not select.select([self.s], [], [], left)[0]:
                return None
            b, addr = self.s.recvfrom(65600)
            if len(b) < 54 or b[12:14] != b"\x08\x00" or b[23] != 6:
                continue
            s = Seg(b, addr[2])
            if want(s):
                return s


def ts_clock():
    t0 = time.monotonic()
    base = random.getrandbits(31)
    return lambda: (base + int((time.monotonic() - t0) * 1000)) & M32


def wait_file_count(path, text, n, deadline):
    """Waits until path holds text at least n times; returns the count."""
    c = 0
    while time.monotonic() < deadline:
        try:
            with open(path, "rb") as f:
                c = f.read().count(text.encode())
        except OSError:
            c = 0
        if c >= n:
            return c
        time.sleep(0.02)
    return c


class Stream:
    """The bytes received in order from one sequence number on, within
    the window we offer; records what came beyond it."""

    def __init__(self, nxt):
        self.nxt = nxt
        self.data = b""
        self.beyond = []

    def take(self, s, win):
        have = seq_diff(self.nxt, s.seq)
        p = s.payload
        if have < 0 or have >= len(p):
            if have < 0 and p:
                self.beyond.append("%d bytes %d ahead" % (len(p), -have))
            return
        p = p[have:]
        if len(p) > win:
            self.beyond.append("%d bytes past a window of %d" % (len(p), win))
            p = p[:win]
        self.data += p
        self.nxt = (self.nxt + len(p)) & M32


def response_done(b):
    """True once b holds a head and its Content-Length of body."""
    if b"\r\n\r\n" not in b:
        return False
    head, body = b.split(b"\r\n\r\n", 1)
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def judge_sizes(who, segs, mss, ts_on, window=None):
    """The checks both directions share: no empty pushed segment, none
    larger than the MSS allows, none past a window of `window`."""
    data = [s for s in segs if s.payload]
    empty_psh = [s for s in segs if s.flags & PSH and not s.payload]
    verdict(not empty_psh, "%s sent no pushed segment of 0 bytes (%s)" %
            (who, "; ".join(map(str, empty_psh[:3])) or "none"))
    biggest = max((len(s.payload) for s in data), default=0)
    if mss is None:
        lim = 536
    else:
        lim = max(mss, 48)
    lim = min(lim, 1460)
    if ts_on:
        lim -= 12
    verdict(biggest <= lim, "%s's largest segment holds %d bytes, at most %d"
            " (mss %s, timestamps %s), in %d data segments" %
            (who, biggest, lim, mss, "on" if ts_on else "off", len(data)))
    if window is not None:
        over = [s for s in data if len(s.payload) > window]
        verdict(not over, "%s never sent more than our window of %d (%s)" %
                (who, window, "; ".join(map(str, over[:3])) or "none"))


# ---- A hostile client against tcplab-server. ----

def hostile_client(a):
    L = Link(a.iface, a.dmac)
    sport = random.randrange(20000, 60000)
    iss = random.getrandbits(32)
    now_ts = ts_clock()
    win = 1 if a.win1 else 64240
    deadline = time.monotonic() + a.timeout

    def from_server(s):
        return (not s.out and s.src == a.dst and s.sport == a.port and
                s.dst == a.src and s.dport == sport)

    def send(flags, seq, ack, payload=b"", w=None, syn_opts=None):
        o = syn_opts if syn_opts is not None else (
            options(ts=(now_ts(), ts_recent)) if ts_on else b"")
        L.send(a.src, a.dst, sport, a.port, seq, ack, flags,
               win if w is None else w, opts=o, payload=payload)

    ts_recent, ts_on = 0, True
    syn_opts = options(mss=a.mss, ts=(now_ts(), 0))
    segs, synack = [], None
    for _ in range(5):
        send(SYN, iss, 0, w=64240, syn_opts=syn_opts)
        synack = L.recv(min(deadline, time.monotonic() + 1.0),
                        lambda s: from_server(s) and s.flags & SYN)
        if synack is not None:
            break
    if not verdict(synack is not None and synack.flags & ACK and
                   synack.ack == (iss + 1) & M32,
                   "the server answered the SYN (mss %s) with a SYN-ACK: %s"
                   % (a.mss, synack)):
        return
    segs.append(synack)
    ts_on = synack.ts is not None
    if ts_on:
        ts_recent = synack.ts[0]
    info("SYN-ACK: mss %s, timestamps %s, window %d" %
         (synack.mss, "on" if ts_on else "off", synack.win))
    rcv = Stream((synack.seq + 1) & M32)
    snd_nxt = (iss + 1) & M32
    send(ACK, snd_nxt, rcv.nxt)
    send(PSH | ACK, snd_nxt, rcv.nxt, REQUEST)
    req_end = (snd_nxt + len(REQUEST)) & M32
    una = snd_nxt
    fin_sent = fin_seq = peer_fin = None
    held = False
    last = time.monotonic()
    while time.monotonic() < deadline:
        s = L.recv(min(deadline, time.monotonic() + 1.0), from_server)
        if s is None:
            # Nothing for a second: what is not acknowledged goes again.
            if seq_lt(una, req_end):
                send(PSH | ACK, una, rcv.nxt,
                     REQUEST[seq_diff(una, snd_nxt):])
            elif fin_sent and seq_lt(una, (fin_seq + 1) & M32):
                send(FIN | ACK, fin_seq, rcv.nxt)
            else:
                send(ACK, req_end if not fin_sent else (fin_seq + 1) & M32,
                     rcv.nxt)
            continue
        segs.append(s)
        last = s.t
        if s.flags & RST:
            break
        if s.ts is not None and s.ts[0] - ts_recent < 1 << 31:
            ts_recent = s.ts[0]
        if s.flags & ACK and seq_lt(una, s.ack):
            una = s.ack
        rcv.take(s, win)
        if s.flags & FIN and (s.seq + len(s.payload)) & M32 == rcv.nxt:
            peer_fin = rcv.nxt
            rcv.nxt = (rcv.nxt + 1) & M32
        my_nxt = req_end if not fin_sent else (fin_seq + 1) & M32
        if s.payload or s.flags & FIN:
            send(ACK, my_nxt, rcv.nxt)
        if a.hold and not held and (response_done(rcv.data) or
                                    (a.win1 and len(rcv.data) >= 100)):
            # The connection stays as it is while the test measures.
            held = True
            info("held after %d bytes of the response" % len(rcv.data))
            open(a.hold + ".held", "w").close()
            while not os.path.exists(a.hold + ".go") and \
                    time.monotonic() < deadline:
                time.sleep(0.02)
        if not fin_sent and response_done(rcv.data):
            fin_seq = req_end
            fin_sent = True
            send(FIN | ACK, fin_seq, rcv.nxt)
        if fin_sent and peer_fin is not None and \
                not seq_lt(una, (fin_seq + 1) & M32):
            break
    info("%d segments from the server, the last %.2f s after the SYN-ACK" %
         (len(segs), last - synack.t))
    body = rcv.data
    verdict(body.startswith(b"HTTP/1.1 200") and
            body.endswith(b"This is zhenghui") and response_done(body),
            "the response reassembles: %r" % (body[:14] + b"..." +
                                              body[-18:]))
    rsts = [s for s in segs if s.flags & RST]
    verdict(not rsts, "no RST from the server (%s)" %
            ("; ".join(map(str, rsts)) or "none"))
    verdict(fin_sent and peer_fin is not None and
            not seq_lt(una, (fin_seq + 1) & M32),
            "the connection closed: both FINs sent and acknowledged")
    judge_sizes("the server", segs[1:], a.mss, ts_on,
                1 if a.win1 else None)
    verdict(not rcv.beyond, "nothing came beyond the window we offered (%s)"
            % ("; ".join(rcv.beyond[:3]) or "none"))
    if a.win1:
        nd = len([s for s in segs if s.payload])
        verdict(nd >= len(body),
                "with a window of 1 the response came a byte a segment "
                "(%d bytes, %d data segments)" % (len(body), nd))


# ---- A hostile server against tcplab-client. ----

def hostile_server(a):
    L = Link(a.iface, a.dmac)
    now_ts = ts_clock()
    win = 1 if a.win1 else 64240
    open(a.ready, "w").close()
    deadline = time.monotonic() + a.timeout

    def to_us(s):
        return not s.out and s.dst == a.addr and s.dport == a.port

    syn = L.recv(deadline, lambda s: to_us(s) and s.flags & SYN and
                 not s.flags & ACK)
    if not verdict(syn is not None, "the client's SYN came: %s" % syn):
        return
    info("the client's SYN: mss %s, timestamps %s, window %d, wscale %s" %
         (syn.mss, "on" if syn.ts else "off", syn.win, syn.wscale))
    peer, pport = syn.src, syn.sport
    ts_on = syn.ts is not None
    ts_recent = syn.ts[0] if ts_on else 0
    iss = random.getrandbits(32)

    def mine(s):
        return to_us(s) and s.src == peer and s.sport == pport

    def send(flags, seq, payload=b"", o=None):
        if o is None:
            o = options(ts=(now_ts(), ts_recent)) if ts_on else b""
        L.send(a.addr, peer, a.port, pport, seq, rcv.nxt, flags, win,
               opts=o, payload=payload)

    rcv = Stream((syn.seq + 1) & M32)
    synack_opts = options(mss=a.mss, ts=(now_ts(), ts_recent) if ts_on
                          else None)
    send(SYN | ACK, iss, o=synack_opts)
    snd_una, snd_nxt = iss, (iss + 1) & M32
    segs, answered, peer_fin, head = [], False, False, None
    data_seq = (iss + 1) & M32
    fin_seq = (data_seq + len(RESPONSE)) & M32
    while time.monotonic() < deadline:
        s = L.recv(min(deadline, time.monotonic() + 1.0), mine)
        if s is None:
            # Nothing for a second: send again what is not acknowledged.
            if seq_lt(snd_una, data_seq):
                send(SYN | ACK, iss, o=synack_opts)
            elif answered and seq_lt(snd_una, fin_seq):
                send(PSH | ACK, snd_una,
                     RESPONSE[seq_diff(snd_una, data_seq):])
            elif answered and seq_lt(snd_una, (fin_seq + 1) & M32):
                send(FIN | ACK, fin_seq)
            else:
                send(ACK, snd_nxt)
            continue
        if s.flags & SYN:
            send(SYN | ACK, iss, o=synack_opts)
            continue
        segs.append(s)
        if s.flags & RST:
            break
        if s.ts is not None and s.ts[0] - ts_recent < 1 << 31:
            ts_recent = s.ts[0]
        if s.flags & ACK and seq_lt(snd_una, s.ack) and \
                not seq_lt(snd_nxt, s.ack):
            snd_una = s.ack
        rcv.take(s, win)
        if s.flags & FIN and (s.seq + len(s.payload)) & M32 == rcv.nxt \
                and not peer_fin:
            peer_fin = True
            rcv.nxt = (rcv.nxt + 1) & M32
        if s.payload or s.flags & FIN:
            send(ACK, snd_nxt)
        if not answered and b"\r\n\r\n" in rcv.data:
            head = rcv.data
            answered = True
            send(PSH | ACK, data_seq, RESPONSE)
            send(FIN | ACK, fin_seq)
            snd_nxt = (fin_seq + 1) & M32
        if answered and peer_fin and snd_una == snd_nxt:
            break
    line = head.split(b"\r\n")[0] if head else b""
    verdict(line == b"GET /truedei/test?name=zhenghui HTTP/1.1",
            "the request came whole: %r" % line)
    verdict(answered and peer_fin and snd_una == snd_nxt,
            "the connection closed: both FINs sent and acknowledged")
    rsts = [s for s in segs if s.flags & RST]
    verdict(not rsts, "no RST from the client (%s)" %
            ("; ".join(map(str, rsts)) or "none"))
    judge_sizes("the client", segs, a.mss, ts_on, 1 if a.win1 else None)
    verdict(not rcv.beyond, "nothing came beyond the window we offered (%s)"
            % ("; ".join(rcv.beyond[:3]) or "none"))


# ---- RFC 5961 against tcplab-server: a kernel client, an injector. ----

class Sniffer:
    """Follows one connection's numbers from both directions."""

    def __init__(self, link, cli, srv):
        self.L, self.cli, self.srv = link, cli, srv
        self.cport = None
        self.c_nxt = self.s_nxt = self.c_ack = None
        self.c_ts = self.s_ts = None
        self.s_bytes = 0  # the server's data seen, after its SYN
        self.log = []

    def feed(self, s):
        if s.src == self.cli[0] and s.sport == self.cport and \
                s.dst == self.srv[0] and s.dport == self.srv[1]:
            end = (s.seq + len(s.payload) + (1 if s.flags & (SYN | FIN)
                                             else 0)) & M32
            if self.c_nxt is None or seq_lt(self.c_nxt, end):
                self.c_nxt = end
            if s.flags & ACK and (self.c_ack is None or
                                  seq_lt(self.c_ack, s.ack)):
                self.c_ack = s.ack
            if s.ts:
                self.c_ts = s.ts
            self.log.append(("c", s))
        elif s.src == self.srv[0] and s.sport == self.srv[1] and \
                s.dst == self.cli[0] and s.dport == self.cport:
            end = (s.seq + len(s.payload) + (1 if s.flags & (SYN | FIN)
                                             else 0)) & M32
            if self.s_nxt is None:
                self.s_nxt = end
            elif seq_lt(self.s_nxt, end):
                self.s_bytes += seq_diff(end, self.s_nxt) - (
                    1 if s.flags & FIN else 0)
                self.s_nxt = end
            if s.ts:
                self.s_ts = s.ts
            self.log.append(("s", s))

    def drain(self):
        """Reads every frame that has come so far."""
        while select.select([self.L.s], [], [], 0)[0]:
            s = self.L.recv(time.monotonic() + 1, lambda s: True)
            if s is not None:
                self.feed(s)

    def pump(self, until, deadline):
        """Reads what has come, then more until until() holds; False at
        the deadline."""
        self.drain()
        while not until():
            if time.monotonic() >= deadline:
                return False
            s = self.L.recv(min(deadline, time.monotonic() + 0.05),
                            lambda s: True)
            if s is not None:
                self.feed(s)
                self.drain()
        return True


def read_response(sock, deadline):
    got = b""
    while not response_done(got) and time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            d = sock.recv(65536)
        except socket.timeout:
            break
        if not d:
            break
        got += d
    return got


def attack_server(a):
    L = Link(a.iface, a.dmac)
    deadline = time.monotonic() + a.timeout
    k = socket.create_connection((a.saddr, a.port), timeout=10)
    cli = k.getsockname()
    sn = Sniffer(L, cli, (a.saddr, a.port))
    sn.cport = cli[1]
    k.sendall(REQUEST)
    first = read_response(k, deadline)
    verdict(first.endswith(b"This is zhenghui") and response_done(first),
            "the kernel client read its first response")
    # The numbers: the client's kernel has sent its request and has
    # acknowledged all the server sent (its delayed ACK comes on its own).
    ok = sn.pump(lambda: sn.c_nxt is not None and sn.s_nxt is not None and
                 sn.c_ack == sn.s_nxt and sn.c_ts is not None,
                 time.monotonic() + 5)
    if not verdict(ok, "the sniffer learnt the connection's numbers"):
        return
    rcv_nxt, snd_una = sn.c_nxt, sn.s_nxt
    info("the server's RCV.NXT %d, SND.UNA %d" % (rcv_nxt, snd_una))

    def inject(flags, seq, ack, payload=b""):
        L.send(cli[0], a.saddr, cli[1], a.port, seq, ack, flags, 502,
               opts=options(ts=sn.c_ts), payload=payload)

    inj = b"GET /injected HTTP/1.1\r\nHost: x\r\n\r\n"
    attacks = [
        ("an in-window RST 100 past RCV.NXT", RST | ACK, rcv_nxt + 100,
         snd_una, b"", "RST not at RCV.NXT", 1),
        ("an in-window SYN", SYN, rcv_nxt + 100, 0, b"",
         "SYN in a synchronized state", 1),
        ("data at RCV.NXT with an ACK 2^28 behind", PSH | ACK, rcv_nxt,
         snd_una - (1 << 28), inj, "ACK too old", 1),
        ("data at RCV.NXT with an ACK 2^31-1 behind", PSH | ACK, rcv_nxt,
         snd_una - ((1 << 31) - 1), inj, "ACK too old", 2),
        ("a FIN at RCV.NXT with an ACK 2^28 behind", FIN | ACK, rcv_nxt,
         snd_una - (1 << 28), b"", "ACK too old", 3),
    ]
    t0 = time.monotonic()
    for what, flags, seq, ack, p, said, n in attacks:
        inject(flags, seq, ack, p)
        c = wait_file_count(a.log, "dropped: " + said, n,
                            time.monotonic() + 10)
        verdict(c >= n, "%s: the server's trace says \"%s\" (%d times)" %
                (what, said, c))
    sn.pump(lambda: False, time.monotonic() + 0.2)
    chal = [s for w, s in sn.log if w == "s" and s.t >= t0 and
            not s.payload and s.ack == rcv_nxt]
    verdict(len(chal) >= 1, "the server sent %d challenge ACKs (ack %d) to "
            "the real client" % (len(chal), rcv_nxt))
    ch = wait_file_count(a.log, ": challenge ACK", 1, time.monotonic() + 1)
    verdict(ch >= 1, "the server's trace names %d challenge ACKs" % ch)
    # If the injected request had been taken, its answer would come first.
    k.sendall(REQUEST.replace(b"zhenghui", b"second"))
    second = read_response(k, deadline)
    verdict(second.startswith(b"HTTP/1.1 200") and
            second.endswith(b"This is second") and
            second.count(b"HTTP/1.1") == 1 and response_done(second),
            "the connection still works: one answer to the second request "
            "(%d bytes, %d status lines, %r)" %
            (len(second), second.count(b"HTTP/1.1"), second[:15]))
    # The flood: 2000 in-window RSTs, none at RCV.NXT.
    sn.pump(lambda: sn.c_ack == sn.s_nxt, time.monotonic() + 5)
    rcv_nxt, snd_una = sn.c_nxt, sn.s_nxt
    sn.log = []
    frames = [frame(L.mac, L.dmac, cli[0], a.saddr, cli[1], a.port,
                    rcv_nxt + 1 + i % 1000, snd_una, RST | ACK, 502,
                    ipid=i) for i in range(2000)]
    # In a second: 20 bursts of 100, 50 ms apart (the attack's pace).
    t0 = time.monotonic()
    for i, f in enumerate(frames):
        if i % 100 == 0:
            time.sleep(max(0, t0 + i / 2000 - time.monotonic()))
        L.s.send(f)
    t1 = time.monotonic()
    # The third request follows the flood on the same link: once its
    # answer is here the server has read every RST.
    k.sendall(REQUEST.replace(b"zhenghui", b"third"))
    third = read_response(k, deadline)
    t2 = time.monotonic()
    sn.pump(lambda: False, time.monotonic() + 0.1)
    verdict(third.endswith(b"This is third") and response_done(third),
            "after the flood the connection still answers")
    chal = [s for w, s in sn.log if w == "s" and not s.payload and
            not s.flags & (SYN | FIN | RST) and s.ack == rcv_nxt]
    allowed = int((t2 - t0) / 0.5) + 1
    info("2000 RSTs sent in %.3f s; the third answer %.3f s after the first"
         % (t1 - t0, t2 - t0))
    with open(a.log, "rb") as f:
        log = f.read()
    info("the server's trace: %d \"RST not at RCV.NXT: challenge ACK\", "
         "%d \"RST not at RCV.NXT: dropped (ACK rate limit)\"" %
         (log.count(b"RST not at RCV.NXT: challenge ACK"),
          log.count(b"RST not at RCV.NXT: dropped (ACK rate limit)")))
    verdict(1 <= len(chal) <= allowed,
            "the flood drew %d challenge ACKs: one per 500 ms allows %d "
            "in %.2f s" % (len(chal), allowed, t2 - t0))
    k.close()


# ---- RFC 5961 against tcplab-client: a kernel server, an injector. ----

def attack_client(a):
    L = Link(a.iface, a.dmac)
    deadline = time.monotonic() + a.timeout
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((a.addr, a.port))
    srv.listen(1)
    gate = threading.Event()
    result = {}

    def serve():
        try:
            srv.settimeout(a.timeout)
            c, peer = srv.accept()
            result["peer"] = peer
            c.settimeout(a.timeout)
            got = b""
            while b"\r\n\r\n" not in got:
                d = c.recv(4096)
                if not d:
                    break
                got += d
            c.sendall(RESPONSE[:-16])
            result["head_sent"] = True
            gate.wait(a.timeout)
            c.sendall(RESPONSE[-16:])
            result["body_sent"] = True
            while c.recv(4096):
                pass
            c.close()
            result["closed"] = True
        except OSError as e:
            result["error"] = str(e)

    th = threading.Thread(target=serve, daemon=True)
    th.start()
    open(a.ready, "w").close()
    sn = Sniffer(L, (None, None), (a.addr, a.port))
    # The client's SYN names its address and port.
    syn = L.recv(deadline, lambda s: s.dst == a.addr and s.dport == a.port
                 and s.flags & SYN and not s.out)
    if not verdict(syn is not None, "the client connected"):
        gate.set()
        return
    sn.cli, sn.cport = (syn.src, syn.sport), syn.sport
    sn.feed(syn)
    # The headers are out and the client has acknowledged them.
    ok = sn.pump(lambda: sn.s_bytes >= len(RESPONSE) - 16 and
                 sn.s_ts is not None and sn.c_ack == sn.s_nxt, deadline)
    if not verdict(ok, "the client acknowledged the headers"):
        gate.set()
        return
    rcv_nxt, snd_una = sn.s_nxt, sn.c_nxt
    info("the client's RCV.NXT %d, SND.UNA %d" % (rcv_nxt, snd_una))

    def inject(flags, seq, ack, payload=b""):
        L.send(a.addr, syn.src, a.port, syn.sport, seq, ack, flags, 502,
               opts=options(ts=sn.s_ts), payload=payload)

    inject(PSH | ACK, rcv_nxt, snd_una - (1 << 28), b"This is INJECTED")
    c = wait_file_count(a.trace, "ACK too old", 1, time.monotonic() + 10)
    verdict(c >= 1, "data with an ACK 2^28 behind: the client's trace says "
            "\"ACK too old\"")
    inject(FIN | ACK, rcv_nxt, snd_una - (1 << 28))
    c = wait_file_count(a.trace, "ACK too old", 2, time.monotonic() + 10)
    verdict(c >= 2, "a FIN with an ACK 2^28 behind: the client's trace says "
            "\"ACK too old\" again")
    ch = wait_file_count(a.trace, ": challenge ACK", 1, time.monotonic() + 1)
    verdict(ch >= 1, "the client's trace names %d challenge ACKs" % ch)
    gate.set()
    th.join(max(0, deadline - time.monotonic()))
    verdict(result.get("closed"), "the kernel server sent its body and saw "
            "the client close (%s)" % result.get("error", "no error"))


def run(a):
    def cpu():
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        return ru.ru_utime + ru.ru_stime

    # What this process inherited counts already: only the difference.
    c0, t0 = cpu(), time.monotonic()
    rc = subprocess.call(a.argv)
    wall = time.monotonic() - t0
    with open(a.result, "w") as f:
        f.write("%d %.3f %.3f\n" % (rc, wall, cpu() - c0))


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--timeout", type=float, default=30)
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("client")
    for n in ("iface", "dmac", "src", "dst"):
        c.add_argument(n)
    c.add_argument("port", type=int)
    c.add_argument("--mss", type=int)
    c.add_argument("--win1", action="store_true")
    c.add_argument("--hold")
    s = sub.add_parser("server")
    for n in ("iface", "dmac", "addr"):
        s.add_argument(n)
    s.add_argument("port", type=int)
    s.add_argument("ready")
    s.add_argument("--mss", type=int)
    s.add_argument("--win1", action="store_true")
    t = sub.add_parser("attack-server")
    for n in ("iface", "dmac", "saddr"):
        t.add_argument(n)
    t.add_argument("port", type=int)
    t.add_argument("log")
    u = sub.add_parser("attack-client")
    for n in ("iface", "dmac", "addr"):
        u.add_argument(n)
    u.add_argument("port", type=int)
    u.add_argument("ready")
    u.add_argument("trace")
    r = sub.add_parser("run")
    r.add_argument("result")
    r.add_argument("argv", nargs=argparse.REMAINDER)
    a = p.parse_args()
    {"client": hostile_client, "server": hostile_server,
     "attack-server": attack_server, "attack-client": attack_client,
     "run": run}[a.cmd](a)


if __name__ == "__main__":
    main()
