"""The test images of run/image_viewer.run, written at build time:

    python3 run/image_viewer/images.py OUTDIR

rgba.png (8-bit RGBA: opaque, a horizontal alpha ramp, half and fully
transparent quarters), palette.png (4-bit palette with tRNS) and grey.png
(2-bit grey, interlaced), each with NAME.expected.png: what the viewer must show, the
image composited over its default background (a checkerboard of 8-pixel
cells, #cccccc and #999999, starting light at the image's top left) with
(c * a + bg * (255 - a) + 127) // 255 per channel. corrupt.png is rgba.png
with its compressed data damaged (the chunk CRC still right, so zlib is
what fails), truncated.png its first half, notpng.png no PNG at all.
rgba.top.png and rgba.scrolled.png are parts of rgba.expected.png that a
100x80 window shows (at 0,0 and at 32,40). large.png is 1400x1000 pixels
of 16-bit RGB; large.top.png and large.end.png what a 1016x736 window
shows of it at the top left and at the bottom.
"""

import os
import struct
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tool"))
import png  # noqa: E402  (run/tool/png.py)

LIGHT, DARK, CELL = (0xCC, 0xCC, 0xCC), (0x99, 0x99, 0x99), 8


def background(x, y):
    return DARK if ((x // CELL) ^ (y // CELL)) & 1 else LIGHT


def over(c, a, bg):
    return tuple((c[i] * a + bg[i] * (255 - a) + 127) // 255
                 for i in range(3))


ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
         (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


def pack(samples, depth):
    """One row's samples as bytes, most significant bits first."""
    if depth == 8:
        return bytes(samples)
    if depth == 16:
        return b"".join(struct.pack(">H", v) for v in samples)
    out, acc, bits = bytearray(), 0, 0
    for v in samples:
        acc, bits = (acc << depth) | v, bits + depth
        if bits == 8:
            out.append(acc)
            acc, bits = 0, 0
    if bits:
        out.append(acc << (8 - bits))
    return bytes(out)


def encode(w, h, ctype, depth, samples, chunks=(), interlace=False):
    """A PNG whose pixel (x, y) has the samples samples(x, y); rows
    unfiltered; Adam7 passes if interlace."""
    passes = ADAM7 if interlace else ((0, 0, 1, 1),)
    raw = bytearray()
    for x0, y0, dx, dy in passes:
        xs = range(x0, w, dx)
        if not xs:
            continue
        for y in range(y0, h, dy):
            raw += b"\0" + pack([v for x in xs for v in samples(x, y)],
                                depth)
    ihdr = struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0,
                       1 if interlace else 0)
    out = png.PNG_SIGNATURE + png._chunk(b"IHDR", ihdr)
    for name, body in chunks:
        out += png._chunk(name, body)
    return (out + png._chunk(b"IDAT", zlib.compress(bytes(raw), 9)) +
            png._chunk(b"IEND", b""))


def rgba_pixel(x, y):
    if 120 <= x < 128 and 90 <= y < 98:
        return (255, 255, 0), 255  # an opaque yellow square
    if y < 60:
        if x < 80:
            return (255, 0, 0), 255
        return (0, 160, 0), (x - 80) * 255 // 79
    if x < 80:
        return (0, 0, 255), 128
    return (255, 255, 255), 0


def rgba():
    w, h = 160, 120
    exp = png.Image(w, h)
    for y in range(h):
        for x in range(w):
            c, a = rgba_pixel(x, y)
            exp.set_pixel(x, y, over(c, a, background(x, y)))

    def samples(x, y):
        c, a = rgba_pixel(x, y)
        return list(c) + [a]
    return encode(w, h, 6, 8, samples), exp


PALETTE = [(0x10 * i, 0xF0 - 0x10 * i, (0x50 * i) & 0xFF) for i in range(16)]
TRNS = [0, 100]  # entries 0 and 1; the rest opaque


def palette():
    w, h = 96, 64
    exp = png.Image(w, h)

    def index(x, y):
        return (x // 6 + y // 32) % 16
    for y in range(h):
        for x in range(w):
            i = index(x, y)
            a = TRNS[i] if i < len(TRNS) else 255
            exp.set_pixel(x, y, over(PALETTE[i], a, background(x, y)))
    plte = b"".join(bytes(c) for c in PALETTE)
    return encode(w, h, 3, 4, lambda x, y: [index(x, y)],
                  [(b"PLTE", plte), (b"tRNS", bytes(TRNS))]), exp


def grey():
    """2-bit grey, interlaced (Adam7)."""
    w, h = 96, 64
    exp = png.Image(w, h)

    def level(x, y):
        return (x // 24 + y // 16 + (x % 3 == 0 and y % 5 == 0)) % 4
    for y in range(h):
        for x in range(w):
            g = level(x, y) * 85
            exp.set_pixel(x, y, (g, g, g))
    return encode(w, h, 0, 2, lambda x, y: [level(x, y)],
                  interlace=True), exp


def large_pixel(x, y):
    return ((x * 255) // 1399, (y * 255) // 999, ((x // 50 + y // 50) % 2) * 200 + 40)


def large():
    """16-bit RGB, larger than the screen: samples c * 257, which any
    reduction to 8 bits (rounded or cut) turns back into c, as long as
    they are taken as sRGB (PNG_IMAGE_FLAG_16BIT_sRGB), not linear."""
    w, h = 1400, 1000
    exp = png.Image(w, h)
    for y in range(h):
        for x in range(w):
            exp.set_pixel(x, y, large_pixel(x, y))
    return encode(w, h, 2, 16,
                  lambda x, y: [c * 257 for c in large_pixel(x, y)]), exp


def corrupt(data):
    """Damage the middle of the IDAT payload, then fix the chunk's CRC."""
    pos = 8
    while pos < len(data):
        n, name = struct.unpack(">I4s", data[pos:pos + 8])
        if name == b"IDAT":
            body = bytearray(data[pos + 8:pos + 8 + n])
            for i in range(n // 2, n // 2 + 16):
                body[i] ^= 0x5A
            return (data[:pos] + png._chunk(b"IDAT", bytes(body)) +
                    data[pos + 12 + n:])
        pos += 12 + n
    raise ValueError("no IDAT")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    files = {}
    for name, make in (("rgba", rgba), ("palette", palette),
                       ("grey", grey), ("large", large)):
        data, exp = make()
        files[name + ".png"] = data
        files[name + ".expected.png"] = png.encode_png(exp)
    # rgba.png in a window resized to 100x80: at the top left, and
    # scrolled to 32,40 (a step right, the wheel to the bottom)
    exp = png.decode_png(files["rgba.expected.png"])
    files["rgba.top.png"] = png.encode_png(exp.crop(0, 0, 100, 80))
    files["rgba.scrolled.png"] = png.encode_png(exp.crop(32, 40, 100, 80))
    # large.png in a 1016x736 window (what wm gives of a 1024x768 screen
    # with frames of 4 and a title bar of 24): at the top left, after End
    exp = png.decode_png(files["large.expected.png"])
    files["large.top.png"] = png.encode_png(exp.crop(0, 0, 1016, 736))
    files["large.end.png"] = png.encode_png(exp.crop(0, 264, 1016, 736))
    del files["large.expected.png"]
    files["corrupt.png"] = corrupt(files["rgba.png"])
    files["truncated.png"] = files["rgba.png"][:len(files["rgba.png"]) // 2]
    files["notpng.png"] = b"GIF89a: this is no PNG file\n"
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
