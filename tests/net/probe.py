"""probe.py: numbered UDP datagrams across a link, to see what it loses
and reorders (tests/net.sh).

  probe.py recv ADDR PORT COUNT READY   bind ADDR:PORT, create the file READY,
                                        then take datagrams until COUNT have
                                        come or none has for 2 s; print
                                        "received N late L"
  probe.py send ADDR PORT SIZE COUNT    send COUNT datagrams of SIZE bytes,
                                        numbered from 0, as fast as it can,
                                        from one CPU

A datagram is late when its number is below one that came before it. The
receiver's buffer is made large (SO_RCVBUFFORCE, root) so that it loses
none of its own; the 2 s of silence only ends a receiver whose sender has
finished or whose link lost the last datagrams.
"""
import os
import socket
import sys

SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)


def receive(addr, port, count, ready):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    s.bind((addr, port))
    s.settimeout(2.0)
    open(ready, "w").close()
    got = late = 0
    highest = -1
    try:
        while got < count:
            n = int(s.recv(65536)[:8])
            got += 1
            if n < highest:
                late += 1
            highest = max(highest, n)
    except socket.timeout:
        pass
    print("received %d late %d" % (got, late))


def send(addr, port, size, count):
    # On one CPU, so that the sender's moving between CPUs cannot reorder
    # datagrams queued on a veth (each CPU has its own backlog).
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    pad = b"x" * max(0, size - 8)
    for i in range(count):
        s.sendto(b"%08d" % i + pad, (addr, port))


def main():
    if len(sys.argv) == 6 and sys.argv[1] == "recv":
        receive(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    elif len(sys.argv) == 6 and sys.argv[1] == "send":
        send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    else:
        sys.exit(__doc__.split("\n\n")[1])


main()
