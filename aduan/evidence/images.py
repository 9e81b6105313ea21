"""Photo engine: check an uploaded photo by its content and make the copies we keep.

Pure functions on bytes (layer 2): no models, no storage, no other aduan apps.
`process()` accepts JPEG, PNG, WebP and HEIC/HEIF, refuses everything else with an
`ImageRejected` whose message can be shown to a citizen as is, and returns a
`ProcessedImage`: a public JPEG and a thumbnail re-encoded without any metadata, plus
what the evidence checks need from the original (capture time, GPS, perceptual hash),
which callers keep privately.

GIF is refused on purpose: the product promises four formats, GIFs are animations or
graphics rather than photos, and showing only the first frame would misrepresent one.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import math
import threading
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import imagehash
import pillow_heif
from django.conf import settings
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from PIL.ExifTags import GPS, IFD, Base

pillow_heif.register_heif_opener()

PUBLIC_MAX_SIDE = 1600
THUMB_MAX_SIDE = 400
JPEG_QUALITY = 82
THUMB_QUALITY = 78
# Two perceptual hashes (64 bits) this close or closer are the same picture: a copy,
# re-encoded, resized or converted. Such copies measure 0-4 in our tests; different
# scenes measure 20 or more.
NEAR_IDENTICAL = 8

JAKARTA = ZoneInfo("Asia/Jakarta")

# Our name for a format: (Pillow's plugin, MIME type).
FORMATS = {
    "jpeg": ("JPEG", "image/jpeg"),
    "png": ("PNG", "image/png"),
    "webp": ("WEBP", "image/webp"),
    "heic": ("HEIF", "image/heic"),
}
# What Image.open may then report: phones' multi-picture JPEGs open as MPO.
_OPENS_AS = {"JPEG": ("JPEG", "MPO"), "PNG": ("PNG",), "WEBP": ("WEBP",), "HEIF": ("HEIF",)}
_HEVC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
_MESSAGES = {
    "not_image": "Berkas bukan foto JPEG, PNG, WebP atau HEIC.",
    "corrupt": "Foto rusak atau tidak lengkap. Silakan kirim ulang.",
    "request_pixels": "Total resolusi foto dalam satu kiriman terlalu besar. Kirim foto "
                      "yang lebih kecil atau lebih sedikit.",
    "busy": "Server sedang sibuk memproses foto. Silakan coba lagi sebentar lagi.",
}

# Decoding is what costs memory (a 40 Mpx photo is 120 MB of pixels), so: each upload is
# decoded once (validation and storage share the result), a request may decode at most
# ADUAN_MAX_REQUEST_PIXELS in total, and a process decodes at most
# ADUAN_MAX_CONCURRENT_DECODES photos at a time (the others wait, then give up).
_BUDGET: ContextVar[list[int] | None] = ContextVar("aduan_pixel_budget", default=None)
_DECODES = threading.BoundedSemaphore(max(1, settings.ADUAN_MAX_CONCURRENT_DECODES))
_DONE: OrderedDict[str, ProcessedImage] = OrderedDict()
_DONE_LOCK = threading.Lock()
_DONE_KEEP = 8


@contextmanager
def pixel_budget(pixels: int):
    """Within this block (one request), photos may decode `pixels` in total."""
    token = _BUDGET.set([pixels])
    try:
        yield
    finally:
        _BUDGET.reset(token)


def _charge(pixels: int) -> None:
    budget = _BUDGET.get()
    if budget is None:
        return
    if pixels > budget[0]:
        raise ImageRejected("request_pixels")
    budget[0] -= pixels


class ImageRejected(ValueError):
    """A photo we will not keep. `str(exc)` is for the citizen; `code` is for programs."""

    def __init__(self, code: str, message: str | None = None):
        self.code = code
        self.message = message or _MESSAGES[code]
        super().__init__(self.message)


@dataclass(frozen=True)
class ProcessedImage:
    public_jpeg: bytes  # oriented, long side <= 1600 px, sRGB, no metadata at all
    thumb_jpeg: bytes  # the same, long side <= 400 px
    width: int  # of the oriented original
    height: int
    format: str  # "jpeg", "png", "webp" or "heic"
    content_type: str  # of the original upload
    taken_at: datetime | None  # aware; from EXIF, private
    gps: tuple[float, float] | None  # (lat, lng) from EXIF, private
    phash: str  # 16 hex digits, of the oriented picture
    sha256: str  # of the original bytes
    public_size: tuple[int, int]  # (width, height) of public_jpeg
    thumb_size: tuple[int, int]


def sniff(data: bytes) -> str | None:
    """Our format name from the first bytes, or None: never trust a file name."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp":
        box_size = int.from_bytes(data[:4], "big")
        brands = data[8:12] + data[16 : min(max(box_size, 16), 64)]
        if any(brands[i : i + 4] in _HEVC_BRANDS for i in range(0, len(brands) - 3, 4)):
            return "heic"
    return None


def process(data: bytes) -> ProcessedImage:
    """Check a photo by its content and make its public copies; see the module doc.
    The same bytes twice (validated, then stored) are decoded once."""
    fmt = _check(data)
    sha256 = hashlib.sha256(data).hexdigest()
    with _DONE_LOCK:
        done = _DONE.get(sha256)
    if done is not None:
        return done
    im = _open(data, FORMATS[fmt][0])
    _charge(im.size[0] * im.size[1])
    if not _DECODES.acquire(timeout=settings.ADUAN_DECODE_WAIT_SECONDS):
        raise ImageRejected("busy")
    try:
        result = _decode(im, fmt, sha256)
    finally:
        _DECODES.release()
    with _DONE_LOCK:
        _DONE[sha256] = result
        while len(_DONE) > _DONE_KEEP:
            _DONE.popitem(last=False)
    return result


def _decode(im: Image.Image, fmt: str, sha256: str) -> ProcessedImage:
    exif = _exif(im)
    taken_at = _taken_at(exif)
    gps = _gps(exif)
    width, height = im.size
    if exif.get(Base.Orientation) in (5, 6, 7, 8):  # stored on its side
        width, height = height, width
    im = _prepare(im, PUBLIC_MAX_SIDE)

    public_jpeg = _jpeg(im, JPEG_QUALITY)
    public_size = im.size
    im.thumbnail((THUMB_MAX_SIDE, THUMB_MAX_SIDE), Image.Resampling.LANCZOS)
    thumb_jpeg = _jpeg(im, THUMB_QUALITY)
    # The hash reduces to 32x32 anyway; taking it from the oriented thumbnail rather than
    # the full picture gives the same bits for a fraction of the time.
    phash = str(imagehash.phash(im))
    return ProcessedImage(
        public_jpeg=public_jpeg,
        thumb_jpeg=thumb_jpeg,
        width=width,
        height=height,
        format=fmt,
        content_type=FORMATS[fmt][1],
        taken_at=taken_at,
        gps=gps,
        phash=phash,
        sha256=sha256,
        public_size=public_size,
        thumb_size=im.size,
    )


def parsed_hash(phash: str) -> tuple[int, int]:
    """A perceptual hash in hex as (length, value): parse once, compare many times."""
    return len(phash), int(phash, 16)


def looks_alike(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """The rule for "the same picture to the eye": parsed hashes of one length, at most
    `NEAR_IDENTICAL` bits apart."""
    return a[0] == b[0] and (a[1] ^ b[1]).bit_count() <= NEAR_IDENTICAL


# Finding near-identical hashes by index (multi-index hashing): a 64-bit hash is cut into
# BANDS bands of 16 bits. Two hashes within NEAR_IDENTICAL bits agree within BAND_SLACK
# bits in at least one band (four bands each 3 or more bits apart would make 12 > 8), so
# every near-identical photo shares a band value with one of the few values near this
# photo's own, and an index lookup finds it among any number of stored photos.
BANDS = 4
BAND_BITS = 16
BAND_SLACK = NEAR_IDENTICAL // BANDS


def hash_bands(phash: str) -> tuple[int, ...] | None:
    """The bands of a 64-bit perceptual hash in hex, first band highest; None for a hash of
    another size (or none), which is matched only when it is the very same."""
    if len(phash) != BANDS * BAND_BITS // 4:
        return None
    value = int(phash, 16)
    mask = (1 << BAND_BITS) - 1
    return tuple((value >> (BAND_BITS * (BANDS - 1 - i))) & mask for i in range(BANDS))


def band_neighbours(band: int) -> list[int]:
    """Every band value within BAND_SLACK bits of `band` (137 of them, itself included)."""
    found = [band]
    for bits in range(1, BAND_SLACK + 1):
        for flips in itertools.combinations(range(BAND_BITS), bits):
            found.append(band ^ sum(1 << bit for bit in flips))
    return found


def hamming(phash_a: str, phash_b: str) -> int:
    """Number of differing bits between two perceptual hashes in hex."""
    if len(phash_a) != len(phash_b):
        raise ValueError("perceptual hashes of different lengths")
    return (int(phash_a, 16) ^ int(phash_b, 16)).bit_count()


def open_oriented(data: bytes, max_side: int = PUBLIC_MAX_SIDE) -> Image.Image:
    """The photo as an upright sRGB RGB image, long side at most `max_side`, no metadata.

    Makes the same checks as `process()` and raises the same `ImageRejected`.
    """
    fmt = _check(data)
    return _prepare(_open(data, FORMATS[fmt][0]), max_side)


def _check(data: bytes) -> str:
    """Size first, then the format by its magic bytes."""
    max_bytes = settings.ADUAN_MAX_UPLOAD_BYTES
    if len(data) > max_bytes:
        mb = max_bytes / (1024 * 1024)
        raise ImageRejected("too_large", f"Foto terlalu besar (maks. {mb:g} MB).")
    if not data:
        raise ImageRejected("not_image", "Berkas kosong.")
    fmt = sniff(data)
    if fmt is None:
        raise ImageRejected("not_image")
    return fmt


def _open(data: bytes, pillow_format: str) -> Image.Image:
    """Open (header only), refusing anything over the pixel limit before decoding."""
    too_many = ImageRejected("too_many_pixels", _too_many_pixels_message())
    try:
        im = Image.open(io.BytesIO(data), formats=[pillow_format])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own guard (89 Mpx warns, 179 Mpx refuses) fires inside open(); our
        # limit is lower, so either way the answer is the same. The warning only raises
        # where warnings are errors (tests); elsewhere the check below refuses it.
        raise too_many from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRejected("corrupt") from exc
    if im.format not in _OPENS_AS[pillow_format]:
        raise ImageRejected("not_image")
    w, h = im.size
    if w < 1 or h < 1:
        raise ImageRejected("corrupt")
    if w * h > settings.ADUAN_MAX_IMAGE_PIXELS:
        raise too_many
    return im


def _too_many_pixels_message() -> str:
    mpx = settings.ADUAN_MAX_IMAGE_PIXELS / 1_000_000
    return f"Resolusi foto terlalu besar (maks. {mpx:g} megapiksel)."


def _prepare(im: Image.Image, max_side: int) -> Image.Image:
    """Decode, orient, convert to sRGB RGB on white, and shrink to `max_side`."""
    try:
        if im.format in ("JPEG", "MPO"):
            # Let the JPEG decoder downscale by 1/2, 1/4 or 1/8 while keeping the long
            # side at least max_side: a 12 MP photo decodes several times faster.
            scale = max_side / max(im.size)
            if scale < 1:
                w, h = im.size
                im.draft(None, (math.ceil(w * scale), math.ceil(h * scale)))
        im.load()
        # Shrink by a whole factor before any copy is made (orienting and colour
        # conversion copy the picture): a 40 Mpx PNG then costs one full buffer, not three.
        factor = max(im.size) // max_side
        if factor >= 2 and im.mode in ("RGB", "RGBA", "L", "LA", "CMYK", "I", "F"):
            im = _keep_info(im.reduce(factor), im)
        icc = im.info.get("icc_profile")
        im = ImageOps.exif_transpose(im)
        im = _to_srgb_rgb(im, icc)
        im.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRejected("corrupt") from exc
    im.info = {}
    return im


def _keep_info(small: Image.Image, original: Image.Image) -> Image.Image:
    """reduce() drops the metadata that orientation and colour need: carry it over."""
    small.info = dict(original.info)
    exif = original.getexif()
    if exif:
        small.info["exif"] = exif.tobytes()
    return small


_SRGB = ImageCms.createProfile("sRGB")


def _to_srgb_rgb(im: Image.Image, icc: bytes | None) -> Image.Image:
    if im.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        # 16-bit or float greyscale: scale to 8 bits rather than clip.
        im = im.convert("I").point(lambda v: v / 256).convert("L")
    if im.mode in ("P", "PA"):
        im = im.convert("RGBA")
    if im.mode in ("RGBA", "LA", "La", "RGBa"):
        rgba = im.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        im = flat
    if icc and im.mode in ("RGB", "CMYK", "L"):
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if "srgb" not in (ImageCms.getProfileDescription(src) or "").lower():
                converted = ImageCms.profileToProfile(im, src, _SRGB, outputMode="RGB")
                if converted is not None:
                    return converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile is not worth refusing a photo for
    return im.convert("RGB")


def _jpeg(im: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # Nothing but pixels: no exif, icc_profile, comment or xmp is passed or kept in info.
    im.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def _exif(im: Image.Image) -> Image.Exif:
    try:
        return im.getexif()
    except Exception:  # unreadable EXIF must not lose the photo
        return Image.Exif()


def _taken_at(exif: Image.Exif) -> datetime | None:
    try:
        sub = exif.get_ifd(IFD.Exif)
    except Exception:
        sub = {}
    for value, offset in (
        (sub.get(Base.DateTimeOriginal), sub.get(Base.OffsetTimeOriginal)),
        (sub.get(Base.DateTimeDigitized), sub.get(Base.OffsetTimeDigitized)),
        (exif.get(Base.DateTime), sub.get(Base.OffsetTime)),
    ):
        parsed = _parse_exif_datetime(value, offset)
        if parsed is not None:
            return parsed
    return None


def _parse_exif_datetime(value: object, offset: object) -> datetime | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    try:
        naive = datetime.strptime(value.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None  # includes the "0000:00:00 00:00:00" some cameras write
    tz = _parse_offset(offset)
    return naive.replace(tzinfo=tz or JAKARTA)


def _parse_offset(offset: object) -> timezone | None:
    if isinstance(offset, bytes):
        offset = offset.decode("ascii", "replace")
    if not isinstance(offset, str):
        return None
    text = offset.strip("\x00 ")
    if len(text) != 6 or text[0] not in "+-" or text[3] != ":":
        return None
    try:
        hours, minutes = int(text[1:3]), int(text[4:6])
    except ValueError:
        return None
    if hours > 14 or minutes > 59:
        return None
    sign = -1 if text[0] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _gps(exif: Image.Exif) -> tuple[float, float] | None:
    try:
        gps = exif.get_ifd(IFD.GPSInfo)
        lat = _degrees(gps.get(GPS.GPSLatitude), gps.get(GPS.GPSLatitudeRef), "S")
        lng = _degrees(gps.get(GPS.GPSLongitude), gps.get(GPS.GPSLongitudeRef), "W")
    except Exception:  # odd GPS data means no GPS, not a lost photo
        return None
    if lat is None or lng is None:
        return None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180) or (lat == 0 and lng == 0):
        return None  # (0, 0) is what receivers without a fix write
    return round(lat, 7), round(lng, 7)


def _degrees(dms: object, ref: object, negative_ref: str) -> float | None:
    if not isinstance(dms, tuple) or not 1 <= len(dms) <= 3:
        return None
    parts = [float(x) for x in dms]
    if any(math.isnan(p) or math.isinf(p) for p in parts):
        return None
    value = sum(p / 60**i for i, p in enumerate(parts))
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    if isinstance(ref, str) and ref.strip("\x00 ").upper() == negative_ref:
        value = -value
    return value
