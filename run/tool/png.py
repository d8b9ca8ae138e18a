"""PNG (and PPM) reading and PNG writing in pure Python, for the run tool's
screenshot comparisons: the host must need nothing beyond Python's standard
library.

An image is an `Image`: width, height and a bytearray of RGB triplets,
row by row. Alpha is dropped on reading (screens have none).
"""

import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class ImageError(Exception):
    """The file is not an image this module can read."""


class Image:
    def __init__(self, width, height, rgb=None):
        self.width = width
        self.height = height
        if rgb is None:
            rgb = bytearray(width * height * 3)
        if len(rgb) != width * height * 3:
            raise ImageError("pixel data has the wrong size")
        self.rgb = rgb

    def pixel(self, x, y):
        i = (y * self.width + x) * 3
        return tuple(self.rgb[i:i + 3])

    def set_pixel(self, x, y, rgb):
        i = (y * self.width + x) * 3
        self.rgb[i:i + 3] = bytes(rgb)

    def crop(self, x, y, w, h):
        if x < 0 or y < 0 or w <= 0 or h <= 0 or \
           x + w > self.width or y + h > self.height:
            raise ImageError("region %dx%d+%d+%d outside the %dx%d image" %
                             (w, h, x, y, self.width, self.height))
        out = bytearray()
        for row in range(y, y + h):
            i = (row * self.width + x) * 3
            out += self.rgb[i:i + w * 3]
        return Image(w, h, out)


def _paeth(a, b, c):
    p = a + b - c
    pa = abs(p - a)
    pb = abs(p - b)
    pc = abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    if pb <= pc:
        return b
    return c


def _unfilter(data, height, stride, bpp):
    """Undo the per-row filters (PNG spec section 9); returns the raw rows
    concatenated."""
    out = bytearray(height * stride)
    prev = bytearray(stride)
    pos = 0
    for y in range(height):
        if pos + 1 + stride > len(data):
            raise ImageError("image data is truncated")
        ftype = data[pos]
        row = bytearray(data[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        if ftype == 0:
            pass
        elif ftype == 1:
            for i in range(bpp, stride):
                row[i] = (row[i] + row[i - bpp]) & 0xFF
        elif ftype == 2:
            row = bytearray((a + b) & 0xFF for a, b in zip(row, prev))
        elif ftype == 3:
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif ftype == 4:
            for i in range(stride):
                if i >= bpp:
                    a = row[i - bpp]
                    c = prev[i - bpp]
                else:
                    a = c = 0
                row[i] = (row[i] + _paeth(a, prev[i], c)) & 0xFF
        else:
            raise ImageError("unknown PNG filter type %d" % ftype)
        out[y * stride:(y + 1) * stride] = row
        prev = row
    return out


_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def _samples(row, width, channels, depth):
    """Expand one raw row into a list of sample values (0..2^depth-1)."""
    n = width * channels
    if depth == 8:
        return row[:n]
    if depth == 16:
        return [row[2 * i] for i in range(n)]  # keep the high byte
    vals = []
    per_byte = 8 // depth
    mask = (1 << depth) - 1
    for b in row:
        for k in range(per_byte):
            vals.append((b >> (8 - depth * (k + 1))) & mask)
    return vals[:n]


def decode_png(data):
    if not data.startswith(PNG_SIGNATURE):
        raise ImageError("not a PNG file")
    pos = len(PNG_SIGNATURE)
    ihdr = None
    palette = None
    idat = []
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length:
            raise ImageError("PNG chunk %r is truncated" % ctype)
        pos += 12 + length
        if ctype == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif ctype == b"PLTE":
            palette = [tuple(body[i:i + 3]) for i in range(0, length, 3)]
        elif ctype == b"IDAT":
            idat.append(body)
        elif ctype == b"IEND":
            break
    if ihdr is None:
        raise ImageError("PNG has no IHDR")
    width, height, depth, ctype, comp, filt, interlace = ihdr
    if ctype not in _CHANNELS:
        raise ImageError("unknown PNG colour type %d" % ctype)
    if depth not in (1, 2, 4, 8, 16) or comp != 0 or filt != 0:
        raise ImageError("unsupported PNG (depth %d)" % depth)
    if interlace != 0:
        raise ImageError("interlaced PNGs are not supported")
    if ctype == 3 and palette is None:
        raise ImageError("palette PNG without PLTE")
    channels = _CHANNELS[ctype]
    bits = depth * channels
    stride = (width * bits + 7) // 8
    bpp = max(1, bits // 8)
    try:
        raw = zlib.decompress(b"".join(idat))
    except zlib.error as e:
        raise ImageError("PNG data does not inflate: %s" % e)
    rows = _unfilter(raw, height, stride, bpp)
    rgb = bytearray()
    for y in range(height):
        s = _samples(rows[y * stride:(y + 1) * stride], width, channels,
                     depth)
        if ctype == 2 and depth == 8:
            rgb += s
        elif ctype == 6 and depth == 8:
            rgb += bytes(v for i, v in enumerate(s) if i % 4 != 3)
        elif ctype == 3:
            for v in s:
                if v >= len(palette):
                    raise ImageError("palette index out of range")
                rgb += bytes(palette[v])
        else:
            scale = 255 // ((1 << min(depth, 8)) - 1)
            for i in range(0, len(s), channels):
                if ctype in (0, 4):
                    g = s[i] * scale
                    rgb += bytes((g, g, g))
                else:
                    rgb += bytes(s[i + k] * scale for k in range(3))
    return Image(width, height, rgb)


def decode_ppm(data):
    """Binary PPM (P6, maxval 255), as older QEMUs' screendump writes."""
    fields = []
    pos = 0
    while len(fields) < 4:
        while pos < len(data) and data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            while pos < len(data) and data[pos:pos + 1] != b"\n":
                pos += 1
            continue
        start = pos
        while pos < len(data) and not data[pos:pos + 1].isspace():
            pos += 1
        if start == pos:
            raise ImageError("PPM header is truncated")
        fields.append(data[start:pos])
    pos += 1
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ImageError("only binary 8-bit PPM (P6) is supported")
    w, h = int(fields[1]), int(fields[2])
    rgb = bytearray(data[pos:pos + w * h * 3])
    if len(rgb) != w * h * 3:
        raise ImageError("PPM data is truncated")
    return Image(w, h, rgb)


def read_image(path):
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(PNG_SIGNATURE):
        return decode_png(data)
    if data.startswith(b"P6"):
        return decode_ppm(data)
    raise ImageError("%s is neither PNG nor PPM" % path)


def _chunk(ctype, body):
    crc = zlib.crc32(ctype + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", crc)


def _filter_row(ftype, row, prev, bpp):
    if ftype == 0:
        return row
    out = bytearray(len(row))
    for i in range(len(row)):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if ftype == 1:
            p = a
        elif ftype == 2:
            p = b
        elif ftype == 3:
            p = (a + b) >> 1
        else:
            p = _paeth(a, b, c)
        out[i] = (row[i] - p) & 0xFF
    return out


def encode_png(img, filters=(0,)):
    """8-bit RGB PNG. `filters` is cycled over the rows; the default (no
    filter) is fastest, the others exist to test the decoder."""
    stride = img.width * 3
    raw = bytearray()
    prev = bytearray(stride)
    for y in range(img.height):
        row = img.rgb[y * stride:(y + 1) * stride]
        ftype = filters[y % len(filters)]
        raw.append(ftype)
        raw += _filter_row(ftype, row, prev, 3)
        prev = row
    ihdr = struct.pack(">IIBBBBB", img.width, img.height, 8, 2, 0, 0, 0)
    return (PNG_SIGNATURE + _chunk(b"IHDR", ihdr) +
            _chunk(b"IDAT", zlib.compress(bytes(raw), 6)) +
            _chunk(b"IEND", b""))


def write_png(path, img, filters=(0,)):
    with open(path, "wb") as f:
        f.write(encode_png(img, filters))


def parse_color(text):
    """'#rrggbb' or 'rrggbb' -> (r, g, b)."""
    t = text.strip().lstrip("#")
    if len(t) != 6:
        raise ValueError("colour %r is not #rrggbb" % text)
    return (int(t[0:2], 16), int(t[2:4], 16), int(t[4:6], 16))


def compare(shot, x, y, expected, tolerance=0):
    """Compare the region of `shot` at (x, y) with `expected`, an Image of
    the region's size. Returns (mismatches, first, diff): the number of
    pixels with a channel off by more than `tolerance`, the first such
    pixel as (x, y, got, want) or None, and, when something differs, a
    diff Image of the whole screenshot (mismatching pixels magenta,
    matching ones grey, outside the region darkened), else None."""
    w, h = expected.width, expected.height
    region = shot.crop(x, y, w, h)
    stride = w * 3
    bad_pixels = []
    for j in range(h):
        got_row = region.rgb[j * stride:(j + 1) * stride]
        want_row = expected.rgb[j * stride:(j + 1) * stride]
        if got_row == want_row:
            continue  # the common case, at C speed
        for i in range(w):
            k = i * 3
            if (abs(got_row[k] - want_row[k]) > tolerance or
                    abs(got_row[k + 1] - want_row[k + 1]) > tolerance or
                    abs(got_row[k + 2] - want_row[k + 2]) > tolerance):
                bad_pixels.append((i, j))
    if not bad_pixels:
        return 0, None, None
    i, j = bad_pixels[0]
    k = (j * w + i) * 3
    first = (x + i, y + j, tuple(region.rgb[k:k + 3]),
             tuple(expected.rgb[k:k + 3]))
    diff = Image(shot.width, shot.height,
                 bytearray(v >> 2 for v in shot.rgb))
    for j in range(h):
        for i in range(w):
            k = (j * w + i) * 3
            g = (region.rgb[k] + region.rgb[k + 1] + region.rgb[k + 2]) // 6
            diff.set_pixel(x + i, y + j, (g + 64, g + 64, g + 64))
    for i, j in bad_pixels:
        diff.set_pixel(x + i, y + j, (255, 0, 255))
    return len(bad_pixels), first, diff


def solid(w, h, rgb):
    return Image(w, h, bytearray(bytes(rgb) * (w * h)))
