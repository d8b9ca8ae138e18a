"""The test images of run/image_viewer.run, written at build time:

    python3 run/image_viewer/images.py OUTDIR

rgba.png (8-bit RGBA: opaque, a horizontal alpha ramp, half and fully
transparent quarters), palette.png (4-bit palette with tRNS) and grey.png
(2-bit grey), each with NAME.expected.png: what the viewer must show, the
image composited over its default background (a checkerboard of 8-pixel
cells, #cccccc and #999999, starting light at the image's top left) with
(c * a + bg * (255 - a) + 127) // 255 per channel. corrupt.png is rgba.png
with its compressed data damaged (the chunk CRC still right, so zlib is
what fails), truncated.png its first half, notpng.png no PNG at all.
rgba.top.png and rgba.scrolled.png are parts of rgba.expected.png that a
100x80 window shows (at 0,0 and at 32,40).
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


def encode(w, h, ctype, depth, rows, chunks=()):
    """A PNG of packed rows (bytes each, no filter byte yet)."""
    raw = b"".join(b"\0" + bytes(r) for r in rows)
    ihdr = struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, 0)
    out = png.PNG_SIGNATURE + png._chunk(b"IHDR", ihdr)
    for name, body in chunks:
        out += png._chunk(name, body)
    return (out + png._chunk(b"IDAT", zlib.compress(raw, 9)) +
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
    rows, exp = [], png.Image(w, h)
    for y in range(h):
        row = bytearray()
        for x in range(w):
            c, a = rgba_pixel(x, y)
            row += bytes(c) + bytes((a,))
            exp.set_pixel(x, y, over(c, a, background(x, y)))
        rows.append(row)
    return encode(w, h, 6, 8, rows), exp


PALETTE = [(0x10 * i, 0xF0 - 0x10 * i, (0x50 * i) & 0xFF) for i in range(16)]
TRNS = [0, 100]  # entries 0 and 1; the rest opaque


def palette():
    w, h = 96, 64
    rows, exp = [], png.Image(w, h)
    for y in range(h):
        idx = [(x // 6 + y // 32) % 16 for x in range(w)]
        rows.append(bytes((idx[i] << 4) | idx[i + 1]
                          for i in range(0, w, 2)))
        for x in range(w):
            a = TRNS[idx[x]] if idx[x] < len(TRNS) else 255
            exp.set_pixel(x, y, over(PALETTE[idx[x]], a, background(x, y)))
    plte = b"".join(bytes(c) for c in PALETTE)
    return encode(w, h, 3, 4, rows,
                  [(b"PLTE", plte), (b"tRNS", bytes(TRNS))]), exp


def grey():
    w, h = 96, 64
    rows, exp = [], png.Image(w, h)
    for y in range(h):
        v = [(x // 24 + y // 16) % 4 for x in range(w)]
        rows.append(bytes((v[i] << 6) | (v[i + 1] << 4) | (v[i + 2] << 2) |
                          v[i + 3] for i in range(0, w, 4)))
        for x in range(w):
            g = v[x] * 85
            exp.set_pixel(x, y, (g, g, g))
    return encode(w, h, 0, 2, rows), exp


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
                       ("grey", grey)):
        data, exp = make()
        files[name + ".png"] = data
        files[name + ".expected.png"] = png.encode_png(exp)
    # rgba.png in a window resized to 100x80: at the top left, and
    # scrolled to 32,40 (a step right, the wheel to the bottom)
    exp = png.decode_png(files["rgba.expected.png"])
    files["rgba.top.png"] = png.encode_png(exp.crop(0, 0, 100, 80))
    files["rgba.scrolled.png"] = png.encode_png(exp.crop(32, 40, 100, 80))
    files["corrupt.png"] = corrupt(files["rgba.png"])
    files["truncated.png"] = files["rgba.png"][:len(files["rgba.png"]) // 2]
    files["notpng.png"] = b"GIF89a: this is no PNG file\n"
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
