"""The photo engine accepts real photos by their content, and keeps no metadata public."""

import hashlib
import io
import random
from datetime import UTC, datetime, timedelta, timezone

import pytest
from PIL import Image, ImageCms, ImageDraw
from PIL.ExifTags import GPS, IFD, Base

from aduan.evidence.images import (
    BAND_BITS,
    BAND_SLACK,
    BANDS,
    JAKARTA,
    NEAR_IDENTICAL,
    PUBLIC_MAX_SIDE,
    THUMB_MAX_SIDE,
    ImageRejected,
    band_neighbours,
    hamming,
    hash_bands,
    looks_alike,
    parsed_hash,
    process,
    sniff,
)

from .photos import SOLO_LAT, SOLO_LNG, camera_exif, encode, png_header, scene, two_tone


def reopen(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def assert_clean_jpeg(data: bytes) -> Image.Image:
    """A JPEG carrying nothing but pixels: no EXIF, GPS, ICC, XMP or comment."""
    im = reopen(data)
    assert im.format == "JPEG"
    assert im.mode == "RGB"
    assert len(im.getexif()) == 0
    assert im.getexif().get_ifd(IFD.GPSInfo) == {}
    assert not {"exif", "icc_profile", "xmp", "comment", "photoshop"} & set(im.info)
    assert b"Exif" not in data and b"ICC_PROFILE" not in data
    return im


def rejected(data: bytes) -> ImageRejected:
    with pytest.raises(ImageRejected) as info:
        process(data)
    return info.value


# A citizen's phone photo: JPEG with EXIF, taken sideways, with GPS in Solo.


@pytest.fixture
def phone_jpeg() -> bytes:
    exif = camera_exif(taken="2025:03:14 09:30:00", offset="+07:00", orientation=6)
    return encode(two_tone((200, 100)), "JPEG", exif=exif, comment=b"Pak RT 03", quality=92)


def test_phone_jpeg_is_read(phone_jpeg):
    photo = process(phone_jpeg)
    assert photo.format == "jpeg"
    assert photo.content_type == "image/jpeg"
    assert photo.sha256 == hashlib.sha256(phone_jpeg).hexdigest()
    assert photo.taken_at == datetime(2025, 3, 14, 2, 30, tzinfo=UTC)
    assert photo.taken_at.utcoffset() == timedelta(hours=7)
    lat, lng = photo.gps
    assert lat == pytest.approx(SOLO_LAT, abs=1e-5)
    assert lng == pytest.approx(SOLO_LNG, abs=1e-5)
    assert lat < 0 < lng  # south of the equator, east of Greenwich


def test_orientation_is_applied(phone_jpeg):
    photo = process(phone_jpeg)
    # Stored 200x100 with Orientation=6 (turn 90 degrees clockwise to view).
    assert (photo.width, photo.height) == (100, 200)
    public = reopen(photo.public_jpeg)
    assert public.size == (100, 200) == photo.public_size
    # The stored top (red) is now on the right, the stored bottom (blue) on the left.
    red, blue = public.getpixel((90, 100)), public.getpixel((10, 100))
    assert red[0] > 200 and red[2] < 60
    assert blue[2] > 200 and blue[0] < 60


def test_public_copy_and_thumbnail_carry_no_metadata(phone_jpeg):
    photo = process(phone_jpeg)
    assert_clean_jpeg(photo.public_jpeg)
    assert_clean_jpeg(photo.thumb_jpeg)
    assert b"Pak RT" not in photo.public_jpeg + photo.thumb_jpeg
    assert b"Samsung" not in photo.public_jpeg + photo.thumb_jpeg


def test_big_photo_is_shrunk_for_public_and_thumbnail():
    original = encode(scene(1, (3000, 2000)), "JPEG", quality=90)
    photo = process(original)
    assert (photo.width, photo.height) == (3000, 2000)
    public, thumb = reopen(photo.public_jpeg), reopen(photo.thumb_jpeg)
    assert public.size == (PUBLIC_MAX_SIDE, 1067) == photo.public_size
    assert thumb.size == (THUMB_MAX_SIDE, 267) == photo.thumb_size
    assert len(photo.public_jpeg) < len(original)


def test_small_photo_is_not_enlarged():
    photo = process(encode(scene(2, (320, 240)), "JPEG"))
    assert photo.public_size == (320, 240)
    assert photo.thumb_size == (320, 240)


def test_jpeg_without_exif_has_no_capture_data():
    photo = process(encode(scene(3), "JPEG"))
    assert photo.format == "jpeg"
    assert (photo.width, photo.height) == (640, 480)
    assert photo.taken_at is None
    assert photo.gps is None


def test_naive_capture_time_is_read_as_jakarta_time():
    data = encode(scene(4), "JPEG", exif=camera_exif(taken="2024:12:31 23:15:00", gps=None))
    photo = process(data)
    assert photo.taken_at == datetime(2024, 12, 31, 23, 15, tzinfo=JAKARTA)
    assert photo.taken_at.utcoffset() == timedelta(hours=7)
    assert photo.gps is None


def test_capture_time_falls_back_to_datetime_tag():
    exif = camera_exif(taken="", datetime_only="2025:01:02 08:00:00", gps=None)
    photo = process(encode(scene(4), "JPEG", exif=exif))
    assert photo.taken_at == datetime(2025, 1, 2, 8, 0, tzinfo=JAKARTA)


def test_offset_from_another_zone_is_kept():
    exif = camera_exif(taken="2025:06:01 10:00:00", offset="+09:00")  # taken in WIT
    photo = process(encode(scene(4), "JPEG", exif=exif))
    assert photo.taken_at == datetime(2025, 6, 1, 10, 0, tzinfo=timezone(timedelta(hours=9)))


def test_blank_camera_clock_and_zero_gps_mean_unknown():
    exif = camera_exif(taken="0000:00:00 00:00:00", gps=None)
    gps = exif.get_ifd(IFD.GPSInfo)
    gps[GPS.GPSLatitudeRef], gps[GPS.GPSLatitude] = "N", (0.0, 0.0, 0.0)
    gps[GPS.GPSLongitudeRef], gps[GPS.GPSLongitude] = "E", (0.0, 0.0, 0.0)
    photo = process(encode(scene(4), "JPEG", exif=exif))
    assert photo.taken_at is None
    assert photo.gps is None


def test_northern_western_coordinates_keep_their_signs():
    exif = camera_exif(gps=(51.5, -0.125))  # London
    photo = process(encode(scene(4), "JPEG", exif=exif))
    assert photo.gps == pytest.approx((51.5, -0.125), abs=1e-5)


def test_embedded_colour_profile_is_dropped_from_public_copy():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(scene(5), "JPEG", icc_profile=srgb)
    assert reopen(data).info.get("icc_profile")
    assert_clean_jpeg(process(data).public_jpeg)


def test_broken_colour_profile_does_not_lose_the_photo():
    data = encode(scene(5), "JPEG", icc_profile=b"not a profile" * 10)
    assert_clean_jpeg(process(data).public_jpeg)


def test_cmyk_jpeg_becomes_rgb():
    photo = process(encode(scene(5).convert("CMYK"), "JPEG"))
    assert reopen(photo.public_jpeg).mode == "RGB"


# Other formats phones and computers send.


def test_png_with_alpha_is_flattened_on_white():
    im = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    ImageDraw.Draw(im).rectangle((0, 0, 149, 199), fill=(200, 0, 0, 255))
    photo = process(encode(im, "PNG"))
    assert photo.format == "png"
    assert photo.content_type == "image/png"
    public = assert_clean_jpeg(photo.public_jpeg)
    assert all(c > 245 for c in public.getpixel((250, 100)))  # transparent became white
    assert public.getpixel((50, 100))[0] > 180


def test_palette_screenshot_png_is_accepted():
    """A phone screenshot: tall, flat colours, text, no camera data."""
    im = Image.new("RGB", (1080, 2400), "white")
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, 0, 1080, 160), fill=(18, 140, 126))
    for i in range(12):
        y = 220 + i * 170
        draw.rounded_rectangle((40, y, 800, y + 130), 24, fill=(220, 248, 198))
        draw.text(
            (70, y + 40), f"Jalan di RT 0{i % 9 + 1} berlubang, mohon diperbaiki", fill="black"
        )
    photo = process(encode(im.convert("P", palette=Image.Palette.ADAPTIVE), "PNG"))
    assert photo.format == "png"
    assert (photo.width, photo.height) == (1080, 2400)
    assert photo.public_size == (720, 1600)
    assert photo.taken_at is None and photo.gps is None


def test_sixteen_bit_greyscale_png_is_scaled_not_clipped():
    im = Image.linear_gradient("L").resize((256, 256)).convert("I").point(lambda v: v * 257)
    photo = process(encode(im.convert("I;16"), "PNG"))
    public = reopen(photo.public_jpeg).convert("L")
    assert public.getpixel((128, 5)) < 30 and public.getpixel((128, 250)) > 225


def test_webp_is_accepted_with_its_exif():
    data = encode(scene(6), "WEBP", quality=80, exif=camera_exif(taken="2025:02:03 07:00:00"))
    photo = process(data)
    assert photo.format == "webp"
    assert photo.content_type == "image/webp"
    assert photo.taken_at == datetime(2025, 2, 3, 7, 0, tzinfo=JAKARTA)
    assert photo.gps == pytest.approx((SOLO_LAT, SOLO_LNG), abs=1e-5)
    assert_clean_jpeg(photo.public_jpeg)


def test_heic_from_an_iphone_is_accepted():
    exif = camera_exif(taken="2025:04:20 16:45:00", offset="+07:00", orientation=6)
    # EXIF as bytes, as a phone writes it: pillow-heif then stores the turn as the HEIF
    # rotation property, which libheif applies when decoding.
    data = encode(two_tone((640, 480)), "HEIF", exif=exif.tobytes(), quality=70)
    assert data[4:12] == b"ftypheic"
    photo = process(data)
    assert photo.format == "heic"
    assert photo.content_type == "image/heic"
    assert photo.taken_at == datetime(2025, 4, 20, 16, 45, tzinfo=JAKARTA)
    assert photo.gps == pytest.approx((SOLO_LAT, SOLO_LNG), abs=1e-5)
    assert (photo.width, photo.height) == (480, 640)
    public = assert_clean_jpeg(photo.public_jpeg)
    assert public.size == (480, 640)
    assert public.getpixel((400, 320))[0] > 200  # stored top (red) now on the right
    assert public.getpixel((80, 320))[2] > 200


def test_plain_heif_without_exif_is_accepted():
    photo = process(encode(scene(7, (320, 240)), "HEIF"))
    assert photo.format == "heic"
    assert (photo.width, photo.height) == (320, 240)
    assert photo.taken_at is None and photo.gps is None


# What we refuse, and what the citizen is told.


def test_text_file_named_jpg_is_not_an_image():
    error = rejected(b"Ini bukan foto, hanya teks biasa.\n")
    assert error.code == "not_image"
    assert str(error) == "Berkas bukan foto JPEG, PNG, WebP atau HEIC."
    assert isinstance(error, ValueError)


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
        b"GIF89a" + b"\x00" * 64,
        b"PK\x03\x04" + b"\x00" * 64,
        b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf",
    ],
    ids=["svg", "svg-script", "pdf", "gif-header", "zip", "avif"],
)
def test_other_formats_are_not_images(data):
    assert rejected(data).code == "not_image"


def test_real_gif_is_refused():
    assert rejected(encode(scene(8), "GIF")).code == "not_image"


def test_bmp_and_tiff_are_refused():
    assert rejected(encode(scene(8), "BMP")).code == "not_image"
    assert rejected(encode(scene(8), "TIFF")).code == "not_image"


def test_empty_file_is_refused():
    error = rejected(b"")
    assert error.code == "not_image"
    assert str(error) == "Berkas kosong."


def test_truncated_jpeg_is_corrupt(phone_jpeg):
    error = rejected(phone_jpeg[: len(phone_jpeg) // 2])
    assert error.code == "corrupt"
    assert "rusak" in str(error)


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xd8\xff" + b"garbage" * 20,
        b"\x89PNG\r\n\x1a\n" + b"garbage" * 20,
        b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 40,
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00heicmif1" + b"\x00" * 40,
    ],
    ids=["jpeg", "png", "webp", "heic"],
)
def test_right_magic_with_garbage_is_corrupt(data):
    assert rejected(data).code == "corrupt"


def test_truncated_png_is_corrupt():
    data = encode(scene(9), "PNG")
    assert rejected(data[: len(data) - 2000]).code == "corrupt"


def test_file_over_the_upload_limit_is_too_large(settings):
    assert settings.ADUAN_MAX_UPLOAD_BYTES == 12 * 1024 * 1024
    error = rejected(b"\xff\xd8\xff" + b"\x00" * (12 * 1024 * 1024))
    assert error.code == "too_large"
    assert str(error) == "Foto terlalu besar (maks. 12 MB)."


def test_size_is_checked_before_anything_else(settings):
    settings.ADUAN_MAX_UPLOAD_BYTES = 1024
    assert rejected(b"x" * 2000).code == "too_large"  # not even an image
    assert rejected(encode(scene(9), "JPEG")).code == "too_large"


@pytest.mark.parametrize(
    "size",
    [(50000, 50000), (10000, 10000), (7000, 6000)],
    ids=["bomb", "over-pillow-warning", "just-over-our-limit"],
)
def test_too_many_pixels_is_refused_from_the_header(size):
    data = png_header(*size)
    assert len(data) < 200  # nothing was decoded: the header alone decides
    error = rejected(data)
    assert error.code == "too_many_pixels"
    assert str(error) == "Resolusi foto terlalu besar (maks. 40 megapiksel)."


def test_pixel_limit_comes_from_settings(settings):
    settings.ADUAN_MAX_IMAGE_PIXELS = 100 * 100
    assert rejected(encode(scene(9, (101, 100)), "PNG")).code == "too_many_pixels"
    assert process(encode(scene(9, (100, 100)), "PNG")).width == 100


# Perceptual hash: the same picture is recognised, a different one is not.


def test_reencoded_copies_hash_near_identical():
    original = scene(10, (1200, 900))
    first = process(encode(original, "JPEG", quality=95)).phash
    copies = [
        encode(original, "JPEG", quality=40),
        encode(original.resize((600, 450)), "JPEG", quality=70),
        encode(original, "PNG"),
        encode(original, "WEBP", quality=60),
    ]
    assert len(first) == 16
    for copy in copies:
        assert hamming(first, process(copy).phash) <= NEAR_IDENTICAL


def test_same_photo_stored_sideways_hashes_the_same():
    upright = scene(11, (800, 600))
    sideways = upright.transpose(Image.Transpose.ROTATE_90)  # what a sensor stores
    a = process(encode(upright, "JPEG")).phash
    b = process(encode(sideways, "JPEG", exif=camera_exif(orientation=6))).phash
    assert hamming(a, b) <= NEAR_IDENTICAL


def test_different_photos_hash_far_apart():
    hashes = [process(encode(scene(seed, (800, 600)), "JPEG")).phash for seed in range(20, 26)]
    for i, a in enumerate(hashes):
        for b in hashes[i + 1 :]:
            assert hamming(a, b) > 2 * NEAR_IDENTICAL


def test_hamming():
    assert hamming("0" * 16, "0" * 16) == 0
    assert hamming("f" * 16, "0" * 16) == 64
    assert hamming("8000000000000001", "0000000000000000") == 2
    with pytest.raises(ValueError):
        hamming("ff", "ffff")


def test_looks_alike_is_within_near_identical_bits_of_one_length():
    base = parsed_hash("0" * 16)
    edge = parsed_hash(f"{(1 << NEAR_IDENTICAL) - 1:016x}")  # NEAR_IDENTICAL bits set
    past = parsed_hash(f"{(1 << (NEAR_IDENTICAL + 1)) - 1:016x}")
    assert looks_alike(base, base) and looks_alike(base, edge)
    assert not looks_alike(base, past)
    assert not looks_alike(parsed_hash("00"), parsed_hash("0000"))  # another hash size


def test_every_near_identical_hash_shares_a_band_within_the_slack():
    """The pigeonhole the reuse check's index lookup rests on, for random hashes and
    random flips of up to NEAR_IDENTICAL bits, and for flips spread evenly over the bands
    (the worst case: BAND_SLACK bits in each)."""
    rnd = random.Random(11)
    spread = [band * BAND_BITS + bit for band in range(BANDS) for bit in range(BAND_SLACK)]
    for n in range(3000):
        value = rnd.getrandbits(64)
        flips = spread if n % 10 == 0 else rnd.sample(range(64), rnd.randint(1, NEAR_IDENTICAL))
        other = value ^ sum(1 << bit for bit in flips)
        mine, theirs = hash_bands(f"{value:016x}"), hash_bands(f"{other:016x}")
        assert any(b in band_neighbours(a) for a, b in zip(mine, theirs, strict=True))
    assert len(set(band_neighbours(0))) == 1 + 16 + 120
    assert hash_bands("0123456789abcdef") == (0x0123, 0x4567, 0x89AB, 0xCDEF)
    assert hash_bands("0123") is None and hash_bands("") is None


def test_sniff_reads_content_not_names():
    assert sniff(encode(scene(1, (16, 16)), "JPEG")) == "jpeg"
    assert sniff(encode(scene(1, (16, 16)), "PNG")) == "png"
    assert sniff(encode(scene(1, (16, 16)), "WEBP")) == "webp"
    assert sniff(encode(scene(1, (16, 16)), "HEIF")) == "heic"
    assert sniff(b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic") == "heic"
    assert sniff(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00isommp42") is None  # a video
    assert sniff(b"photo.jpg") is None


def test_exif_tags_used_are_the_standard_ones():
    # Guard against a Pillow rename: the helpers write what cameras write.
    exif = camera_exif()
    assert exif.get_ifd(IFD.Exif)[Base.DateTimeOriginal] == "2025:03:14 09:30:00"
    assert exif.get_ifd(IFD.GPSInfo)[GPS.GPSLatitudeRef] == "S"
