#!/usr/bin/env python3
"""fuzz/mkcorpus.py: writes the seed corpora of fuzz_conn, fuzz_httpd and
fuzz_httpc into fuzz/corpus/TARGET/, and the IPv6 seeds that fuzz_seg,
fuzz_print and fuzz_tdtext share with the captures in fuzz/corpus/ (the
files v6-* and tdtext-ip6).

Their inputs are small programs and descriptions, not captures, so the
seeds are written here from the article's exchange: the ten segments in
fuzz/corpus/01-syn .. 10-ack, the 142-byte request and the 267-byte
response (reference/SEED-EXCHANGE.md). The input formats are described at
the top of each fuzz/fuzz_*.c. Run it again after changing one of them.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")

REQUEST = (b"GET /truedei/test?name=zhenghui HTTP/1.1\r\n"
           b"User-Agent: Wget/1.14 (linux-gnu)\r\n"
           b"Accept: */*\r\n"
           b"Host: 192.168.101.5:8080\r\n"
           b"Connection: Keep-Alive\r\n\r\n")
RESPONSE = (b"HTTP/1.1 200 \r\n"
            b"Vary: Origin\r\n"
            b"Vary: Access-Control-Request-Method\r\n"
            b"Vary: Access-Control-Request-Headers\r\n"
            b"Content-Type: text/plain;charset=UTF-8\r\n"
            b"Content-Length: 16\r\n"
            b"Date: Mon, 15 Jun 2020 14:49:10 GMT\r\n"
            b"Keep-Alive: timeout=60\r\n"
            b"Connection: keep-alive\r\n\r\n"
            b"This is zhenghui")
assert len(REQUEST) == 142 and len(RESPONSE) == 267

# fuzz_conn's operations (run_op: the byte modulo 20) and its sides.
DELIVER_C2S, DELIVER_S2C, RAW, JUMP, APP, PUMP, CLOSE = 0, 2, 11, 13, 15, 18, 19
CLIENT, SERVER = 0, 1
# Eight bytes of configuration: all zeros is the article's Linux.
ARTICLE_CFG = bytes(8)


def send(side, n):
    """conn_send() of n bytes (n < 65536) by side."""
    return bytes([APP, 0, side, 200, n >> 8, n & 0xff])


def raw(side, name):
    """A raw datagram, one of the article's segments, given to side."""
    with open(os.path.join(CORPUS, name), "rb") as f:
        b = f.read()
    assert len(b) < 512
    return bytes([RAW, side, len(b) & 0xff, len(b) >> 8]) + b


def conn_seeds():
    # The two conns play the article's exchange between themselves.
    pair = bytes([DELIVER_C2S, DELIVER_S2C, DELIVER_C2S]) + send(CLIENT, 142)
    pair += bytes([DELIVER_C2S]) + send(SERVER, 267)
    pair += bytes([DELIVER_S2C, DELIVER_S2C, DELIVER_C2S, CLOSE, CLIENT,
                   DELIVER_C2S, CLOSE, SERVER, DELIVER_S2C, DELIVER_C2S,
                   JUMP])
    # The article's client segments, as captured, into the server.
    server = b"".join(raw(SERVER, n) for n in
                      ("01-syn", "03-ack", "04-request"))
    server += send(SERVER, 267) + raw(SERVER, "08-fin")
    server += bytes([CLOSE, SERVER]) + raw(SERVER, "10-ack")
    # The article's server segments into the client.
    client = raw(CLIENT, "02-synack") + send(CLIENT, 142)
    client += raw(CLIENT, "06-response") + bytes([CLOSE, CLIENT])
    client += raw(CLIENT, "09-finack") + bytes([JUMP])
    # A request and a response of 40 KB each, the network left to run.
    bulk = bytes([PUMP, 3]) + send(CLIENT, 40000) + send(SERVER, 40000)
    bulk += bytes([PUMP, 63, PUMP, 63, CLOSE, CLIENT, CLOSE, SERVER, PUMP, 63])
    return {"article-pair": ARTICLE_CFG + pair,
            "article-server": ARTICLE_CFG + server,
            "article-client": ARTICLE_CFG + client,
            "bulk": ARTICLE_CFG + bulk}


def httpd_seeds():
    # First byte: bit 0 close_each, bits 1-3 log2 of the repetitions.
    post = (b"POST /truedei/test HTTP/1.1\r\nHost: a\r\n"
            b"Content-Length: 5\r\n\r\nhello")
    return {"request": b"\x00" + REQUEST,
            "request-x8": bytes([3 << 1]) + REQUEST,
            "pipeline": b"\x00" + post + b"\r\nHEAD /truedei/test?name=a+b%21 "
                        b"HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                        b"GET /x HTTP/1.1\r\n\r\n",
            "head-too-large": bytes([7 << 1]) + b"GET / HTTP/1.1\r\nX: " +
                              b"a" * 100 + b"\r\n",
            "bytes": b"\x00GET /bytes/1048576 HTTP/1.1\r\nHost: a\r\n\r\n"
                     b"HEAD /bytes/0 HTTP/1.1\r\n\r\n"}


def httpc_seeds():
    # First byte: low bits 0 raw, 2 made, 3 request.
    chunked = (b"HTTP/1.1 100 Continue\r\n\r\n"
               b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"4;ext=1\r\nThis\r\nC\r\n is zhenghui\r\n0\r\nX-T: a\r\n\r\n")
    return {"response": b"\x00" + RESPONSE,
            "chunked": b"\x04" + chunked,
            "made": bytes([2]) + bytes(range(1, 41)),
            "request": b"\x07http://192.168.101.5:8080/truedei/test?name=zhenghui"
                       b"\nWget/1.14 (linux-gnu)\nAccept: text/plain"}


# IPv6 (RFC 8200): the article's client 2001:db8:101::25, its server ::5.
V6_CLIENT = bytes.fromhex("20010db8010100000000000000000025")
V6_SERVER = bytes.fromhex("20010db8010100000000000000000005")


def cksum(data):
    """RFC 1071: the complement of the one's complement sum."""
    if len(data) % 2:
        data += b"\0"
    s = sum(int.from_bytes(data[i:i + 2], "big")
            for i in range(0, len(data), 2))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def to_ip6(name, ext=b"", first=6, tc=0, flow=0, hlim=64):
    """The TCP segment of one of the article's IPv4 datagrams over IPv6,
    its checksum over RFC 8200's pseudo-header, behind the extension
    headers ext (first names the first of them)."""
    with open(os.path.join(CORPUS, name), "rb") as f:
        ip4 = f.read()
    tcp = bytearray(ip4[(ip4[0] & 15) * 4:])
    out = ip4[12:16] == bytes([192, 168, 101, 25])
    src, dst = (V6_CLIENT, V6_SERVER) if out else (V6_SERVER, V6_CLIENT)
    tcp[16:18] = b"\0\0"
    ph = src + dst + len(tcp).to_bytes(4, "big") + b"\0\0\0\x06"
    tcp[16:18] = cksum(ph + bytes(tcp)).to_bytes(2, "big")
    hdr = (6 << 28 | tc << 20 | flow).to_bytes(4, "big")
    hdr += (len(ext) + len(tcp)).to_bytes(2, "big") + bytes([first, hlim])
    return hdr + src + dst + ext + bytes(tcp)


def ip6_seeds():
    hbh = bytes([60, 0, 1, 4, 0, 0, 0, 0])             # PadN, then dstopts
    hbh_ra = bytes([6, 0, 5, 2, 0, 0, 1, 0])           # router alert
    dst = bytes([43, 1, 0, 1, 11]) + bytes(11)         # Pad1, PadN
    rt = bytes([60, 2, 253, 0, 0, 0, 0, 0]) + V6_SERVER  # segments left 0
    dst_last = bytes([6, 0, 0x1e, 2, 0xaa, 0xbb, 1, 0])  # an unknown option
    frag_first = bytes([6, 0, 0, 1, 0x12, 0x34, 0x56, 0x78])
    frag_later = bytes([6, 0, 0x05, 0xa8, 0, 0, 0, 9])
    syn = to_ip6("01-syn", tc=0xb8, flow=0xcdef1)
    return {"v6-01-syn": syn,
            "v6-02-synack": to_ip6("02-synack", hlim=255),
            "v6-04-request": to_ip6("04-request"),
            "v6-06-response": to_ip6("06-response", tc=0x01, flow=1),
            "v6-09-finack": to_ip6("09-finack"),
            "v6-hbh-ra": to_ip6("03-ack", hbh_ra, 0),
            "v6-chain": to_ip6("05-ack", hbh + dst + rt + dst_last, 0),
            "v6-frag-first": to_ip6("04-request", frag_first, 44),
            "v6-frag-later": to_ip6("07-ack", frag_later, 44),
            "v6-udp": syn[:6] + bytes([17]) + syn[7:],
            "v6-syn-cut": syn[:len(syn) - 7],
            "v6-chain-cut": to_ip6("05-ack", hbh + dst, 0)[:52]}


# The same exchange as tcpdump 4.99.3 prints it over IPv6, plain and -v,
# with a line behind a hop-by-hop header in each form.
TDTEXT_IP6 = """\
22:13:20.000000 IP6 2001:db8:101::25.53370 > 2001:db8:101::5.8080: \
Flags [S], seq 250118291, win 64240, options [mss 1440,sackOK,TS val \
4595424 ecr 0,nop,wscale 7], length 0
22:13:20.000115 IP6 (class 0xb8, flowlabel 0xcdef1, hlim 64, next-header \
TCP (6) payload length: 40) 2001:db8:101::5.8080 > \
2001:db8:101::25.53370: Flags [S.], cksum 0x5cd3 (correct), seq \
2336326088, ack 250118292, win 64240, options [mss 1440,sackOK,TS val \
2480165653 ecr 4595425,nop,wscale 7], length 0
22:13:20.000147 IP6 2001:db8:101::25.53370 > 2001:db8:101::5.8080: \
Flags [.], ack 1, win 502, options [nop,nop,TS val 4595425 ecr \
2480165655], length 0
22:13:20.001013 IP6 (hlim 64, next-header TCP (6) payload length: 178) \
2001:db8:101::25.53370 > 2001:db8:101::5.8080: Flags [P.], cksum 0x41c1 \
(correct), seq 1:147, ack 1, win 502, options [nop,nop,TS val 4595427 \
ecr 2480165655], length 146: HTTP, length: 146
\tGET /truedei/test?name=zhenghui HTTP/1.1
\tHost: [2001:db8:101::5]:8080
\t
22:13:20.002775 IP6 2001:db8:101::25 > 2001:db8:101::5: HBH 53370 > \
8080: Flags [.], ack 1930, win 502, length 0
22:13:20.002785 IP6 (hlim 64, next-header Options (0) payload length: \
40) 2001:db8:101::25 > 2001:db8:101::5: HBH (rtalert: 0x0000) (padn) \
53370 > 8080: Flags [.], cksum 0x7b73 (correct), ack 1930, win 502, \
length 0
22:13:20.002845 IP6 2001:db8:101::5 > 2001:db8:101::25: frag (1448|62)
22:13:20.002865 IP6 2001:db8:101::25.53370 > 2001:db8:101::5.8080: \
Flags [F.], seq 147, ack 1, win 502, length 0
"""


def main():
    for target, seeds in (("fuzz_conn", conn_seeds()),
                          ("fuzz_httpd", httpd_seeds()),
                          ("fuzz_httpc", httpc_seeds())):
        d = os.path.join(CORPUS, target)
        os.makedirs(d, exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
    seeds = ip6_seeds()
    seeds["tdtext-ip6"] = TDTEXT_IP6.encode()
    for name, data in seeds.items():
        with open(os.path.join(CORPUS, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
