#!/usr/bin/python3
# pngcheck.py FILE [WIDTH HEIGHT [DARK]]: exit 0 when FILE is a PNG of
# WIDTH x HEIGHT pixels (960x600: as rsvg-convert writes tcplab's charts;
# 8-bit RGB or RGBA, not interlaced) with more than DARK (5000) pixels
# that are not white: a drawing, not a blank page. Decodes with the
# standard library alone (zlib and the PNG filters); prints its count.
import struct, sys, zlib
want_w, want_h = (int(a) for a in (sys.argv[2:4] or (960, 600)))
want_dark = int(sys.argv[4]) if len(sys.argv) > 4 else 5000
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype, _, _, lace = struct.unpack(">IIBBBBB", body)
        assert depth == 8 and ctype in (2, 6) and lace == 0, (depth, ctype)
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
bpp = 4 if ctype == 6 else 3
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
dark = 0
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[i] = (line[i] + pr) & 255
    for x in range(w):
        px = line[x * bpp:x * bpp + 3]
        if sum(px) < 600:
            dark += 1
    prev = line
print("png: %dx%d, %d pixels not white" % (w, h, dark))
sys.exit(0 if (w, h) == (want_w, want_h) and dark > want_dark else 1)
