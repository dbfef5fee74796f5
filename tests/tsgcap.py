#!/usr/bin/env python3
"""tsgcap.py OUT.pcap: writes a capture for tests/tsg.sh.

One HTTP-like connection between 10.0.2.25:53370 (the client) and
10.0.2.5:8080 (the server): the handshake with SACK permitted and window
scaling, a request, then 60 segments of 1448 bytes from the server. The
12th is lost past the capture (taken at the server): the client's
duplicate ACKs carry SACK blocks until the server retransmits it (a fast
retransmit). Later the client's window
closes to zero for a while, then opens again; the close is FIN, ACK, FIN,
ACK. Every checksum is correct. The standard library alone; the file is
written, nothing is sent.
"""
import struct
import sys

CLIENT = (10, 0, 2, 25)
SERVER = (10, 0, 2, 5)
CPORT, SPORT = 53370, 8080
CISN, SISN = 3000000000, 4294960000  # the server's crosses 2^32
MSS = 1448


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def sack_opt(blocks):
    body = b"".join(struct.pack("!II", l & 0xFFFFFFFF, r & 0xFFFFFFFF)
                    for l, r in blocks)
    return b"\x01\x01" + bytes([5, 2 + len(body)]) + body


def frame(src, dst, sport, dport, seq, ack, flags, win, opts=b"",
          payload=b"", ipid=0):
    while len(opts) % 4:
        opts += b"\x01"
    off = (20 + len(opts)) // 4
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF,
                      ack & 0xFFFFFFFF, off << 4, flags, win, 0, 0)
    tcp += opts + payload
    pseudo = bytes(src) + bytes(dst) + struct.pack("!BBH", 0, 6, len(tcp))
    c = csum(pseudo + tcp)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), ipid,
                     0x4000, 64, 6, 0, bytes(src), bytes(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = (b"\x02\x00\x00\x00\x00\x02" if dst == SERVER
           else b"\x02\x00\x00\x00\x00\x01")
    eth += (b"\x02\x00\x00\x00\x00\x01" if dst == SERVER
            else b"\x02\x00\x00\x00\x00\x02") + b"\x08\x00"
    return eth + ip + tcp


FIN, SYN, ACK, PSH = 0x01, 0x02, 0x10, 0x08


class Capture:
    def __init__(self):
        self.recs = []
        self.t = 1700000000.0
        self.ids = {CLIENT: 1000, SERVER: 2000}

    def add(self, dt, src, *args, **kw):
        self.t += dt
        dst = SERVER if src == CLIENT else CLIENT
        sp, dp = (CPORT, SPORT) if src == CLIENT else (SPORT, CPORT)
        self.ids[src] += 1
        kw["ipid"] = self.ids[src]
        self.recs.append((self.t, frame(src, dst, sp, dp, *args, **kw)))

    def write(self, path):
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
            for t, b in self.recs:
                sec = int(t)
                usec = int(round((t - sec) * 1e6))
                f.write(struct.pack("<IIII", sec, usec, len(b), len(b)))
                f.write(b)


def main():
    cap = Capture()
    syn_opts = b"\x02\x04\x05\xb4\x04\x02\x01\x03\x03\x07"  # mss sackOK ws7
    cap.add(0, CLIENT, CISN, 0, SYN, 64240, opts=syn_opts)
    cap.add(0.010, SERVER, SISN, CISN + 1, SYN | ACK, 65160, opts=syn_opts)
    cap.add(0.010, CLIENT, CISN + 1, SISN + 1, ACK, 502)
    req = b"GET /bytes/86880 HTTP/1.1\r\nHost: 10.0.2.5:8080\r\n\r\n"
    cap.add(0.001, CLIENT, CISN + 1, SISN + 1, ACK | PSH, 502, payload=req)
    cack = CISN + 1 + len(req)
    cap.add(0.010, SERVER, SISN + 1, cack, ACK, 509)
    body = bytes(MSS)
    nseg, lost = 60, 11
    snd = [SISN + 1 + i * MSS for i in range(nseg)]
    sent = 0
    rcv = SISN + 1          # the client's cumulative ACK
    sacked = None
    win = 502               # the client's window (scaled by 128)

    def client_ack(dt, extra_blocks=None):
        opts = sack_opt([extra_blocks]) if extra_blocks else b""
        cap.add(dt, CLIENT, cack, rcv, ACK, win, opts=opts)

    # The first 10 segments go in flights of 4, each flight acked.
    while sent < lost:
        n = min(4, lost - sent)
        for i in range(n):
            cap.add(0.0005, SERVER, snd[sent], cack, ACK, 509, payload=body)
            sent += 1
        rcv = snd[sent - 1] + MSS
        client_ack(0.010)
    # Segment 12 (index 11) is lost after the capture saw it (the capture
    # is the server's): the client never gets it.
    cap.add(0.0005, SERVER, snd[sent], cack, ACK, 509, payload=body)
    sent += 1
    for i in range(6):
        cap.add(0.0005, SERVER, snd[sent], cack, ACK, 509, payload=body)
        sent += 1
        sacked = (snd[lost + 1], snd[sent - 1] + MSS)
        client_ack(0.0002, sacked)
    # Three duplicate ACKs: the server retransmits the lost segment.
    cap.add(0.010, SERVER, snd[lost], cack, ACK, 509, payload=body)
    rcv = snd[sent - 1] + MSS
    client_ack(0.010)
    # Then the rest, until the client's reader stalls: its window closes.
    while sent < 40:
        for i in range(min(4, 40 - sent)):
            cap.add(0.0005, SERVER, snd[sent], cack, ACK, 509, payload=body)
            sent += 1
        rcv = snd[sent - 1] + MSS
        win = max(0, win - 100)
        client_ack(0.010)
    win = 0
    client_ack(0.001)
    # Window probes, then the window opens again.
    cap.add(0.200, SERVER, snd[sent] - 1, cack, ACK, 509)
    client_ack(0.010)
    cap.add(0.400, SERVER, snd[sent] - 1, cack, ACK, 509)
    client_ack(0.010)
    win = 502
    client_ack(0.150)
    while sent < nseg:
        for i in range(min(4, nseg - sent)):
            cap.add(0.0005, SERVER, snd[sent], cack, ACK, 509, payload=body)
            sent += 1
        rcv = snd[sent - 1] + MSS
        client_ack(0.010)
    end = snd[-1] + MSS
    cap.add(0.001, SERVER, end, cack, FIN | ACK, 509)
    rcv = end + 1
    cap.add(0.010, CLIENT, cack, rcv, FIN | ACK, win)
    cap.add(0.010, SERVER, end + 1, cack + 1, ACK, 509)
    cap.write(sys.argv[1])


if __name__ == "__main__":
    main()
