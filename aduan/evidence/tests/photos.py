"""Real image files made with Pillow at test time, as phones and cameras would send them."""

from __future__ import annotations

import io
import random
import struct
import zlib
from fractions import Fraction

import pillow_heif
from PIL import Image, ImageDraw, ImageFilter
from PIL.ExifTags import GPS, IFD, Base
from PIL.TiffImagePlugin import IFDRational

pillow_heif.register_heif_opener()

# Pasar Gede, Surakarta: 7°34'10.8" S, 110°49'46.8" E.
SOLO_LAT = -(7 + 34 / 60 + 10.8 / 3600)
SOLO_LNG = 110 + 49 / 60 + 46.8 / 3600


def scene(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A photo-like picture: a sky-to-ground gradient with blurred shapes and grain."""
    rnd = random.Random(seed)
    w, h = size
    top = tuple(rnd.randrange(256) for _ in range(3))
    bottom = tuple(rnd.randrange(256) for _ in range(3))
    im = Image.linear_gradient("L").resize(size)
    im = Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), im)
    draw = ImageDraw.Draw(im)
    for _ in range(12):
        x0, y0 = rnd.randrange(w), rnd.randrange(h)
        x1, y1 = x0 + rnd.randrange(w // 8, w // 2), y0 + rnd.randrange(h // 8, h // 2)
        colour = tuple(rnd.randrange(256) for _ in range(3))
        if rnd.random() < 0.5:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        else:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
    im = im.filter(ImageFilter.GaussianBlur(2))
    grain = Image.frombytes("L", size, rnd.randbytes(w * h)).convert("RGB")
    return Image.blend(im, grain, 0.08)


def two_tone(size: tuple[int, int] = (200, 100)) -> Image.Image:
    """Top half red, bottom half blue: shows which way a picture was turned."""
    im = Image.new("RGB", size, (0, 0, 255))
    ImageDraw.Draw(im).rectangle((0, 0, size[0], size[1] // 2 - 1), fill=(255, 0, 0))
    return im


def _rational(x: float) -> IFDRational:
    f = Fraction(x).limit_denominator(10000)
    return IFDRational(f.numerator, f.denominator)


def _dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = (value - d - m / 60) * 3600
    return (IFDRational(d, 1), IFDRational(m, 1), _rational(round(s, 3)))


def camera_exif(
    *,
    taken="2025:03:14 09:30:00",
    offset: str | None = None,
    gps: tuple[float, float] | None = (SOLO_LAT, SOLO_LNG),
    orientation: int = 1,
    datetime_only: str | None = None,
) -> Image.Exif:
    exif = Image.Exif()
    exif[Base.Make] = "Samsung"
    exif[Base.Model] = "Galaxy A15"
    exif[Base.Orientation] = orientation
    if datetime_only:
        exif[Base.DateTime] = datetime_only
    sub = exif.get_ifd(IFD.Exif)
    if taken:
        sub[Base.DateTimeOriginal] = taken
    if offset:
        sub[Base.OffsetTimeOriginal] = offset
    if gps:
        lat, lng = gps
        g = exif.get_ifd(IFD.GPSInfo)
        g[GPS.GPSVersionID] = b"\x02\x02\x00\x00"
        g[GPS.GPSLatitudeRef] = "S" if lat < 0 else "N"
        g[GPS.GPSLatitude] = _dms(lat)
        g[GPS.GPSLongitudeRef] = "W" if lng < 0 else "E"
        g[GPS.GPSLongitude] = _dms(lng)
    return exif


def encode(im: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **params)
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A valid PNG signature and IHDR chunk claiming a size, with a tiny IDAT."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
