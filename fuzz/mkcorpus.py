#!/usr/bin/env python3
"""fuzz/mkcorpus.py: writes the seed corpora of fuzz_conn, fuzz_httpd and
fuzz_httpc into fuzz/corpus/TARGET/.

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


def main():
    for target, seeds in (("fuzz_conn", conn_seeds()),
                          ("fuzz_httpd", httpd_seeds()),
                          ("fuzz_httpc", httpc_seeds())):
        d = os.path.join(CORPUS, target)
        os.makedirs(d, exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
