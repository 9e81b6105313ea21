"""The before/after picture sent to the citizen and shown in the public gallery."""

import io

import pytest
from PIL import Image

from aduan.evidence.composite import (
    AFTER_BAR,
    BEFORE_BAR,
    GAP,
    MAX_PANEL_HEIGHT,
    MIN_PANEL_HEIGHT,
    before_after,
)
from aduan.evidence.images import ImageRejected

from .photos import camera_exif, encode, scene

RED, BLUE = (220, 30, 30), (30, 30, 220)


def solid(colour, size, fmt="JPEG", **params) -> bytes:
    return encode(Image.new("RGB", size, colour), fmt, **params)


def open_jpeg(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    assert im.format == "JPEG"
    return im


def close(pixel, colour, tolerance=30) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def layout(height: int) -> tuple[int, int]:
    """Top bar and bottom bar heights for a panel height (as composite draws them)."""
    return round(height * 0.1), round(height * 0.085)


def test_two_landscape_photos_side_by_side():
    out = before_after(
        solid(RED, (800, 600)),
        solid(BLUE, (800, 600)),
        reference="SKA-0427-3318",
        before_date="14 Mar 2025",
        after_date="20 Mar 2025",
        footer="DPUPR Kota Surakarta",
    )
    im = open_jpeg(out)
    bar, bottom = layout(600)
    assert im.size == (800 + GAP + 800, bar + 600 + bottom)
    assert close(im.getpixel((400, bar + 300)), RED)
    assert close(im.getpixel((800 + GAP + 400, bar + 300)), BLUE)
    # Coloured label bars on top, a dark bar at the bottom.
    assert close(im.getpixel((400, 3)), BEFORE_BAR, 12)
    assert close(im.getpixel((1200, 3)), AFTER_BAR, 12)
    assert max(im.getpixel((800, bar + 600 + 3))) < 50


def test_labels_dates_reference_and_footer_are_drawn():
    plain = open_jpeg(
        before_after(solid(RED, (800, 600)), solid(BLUE, (800, 600)), reference="")
    ).convert("L")
    full = open_jpeg(
        before_after(
            solid(RED, (800, 600)),
            solid(BLUE, (800, 600)),
            reference="SKA-0427-3318",
            before_date="14 Mar 2025 09.30",
            after_date="20 Mar 2025 15.05",
            footer="Jalan berlubang, Kemlayan - DPUPR",
        )
    ).convert("L")
    bar, bottom = layout(600)

    def white_pixels(im, box):
        return sum(im.crop(box).histogram()[201:])

    # Labels are there with or without dates; dates and footer add text at the right.
    assert white_pixels(plain, (0, 0, 300, bar)) > 50  # SEBELUM
    assert white_pixels(plain, (808, 0, 1108, bar)) > 50  # SESUDAH
    for box in [(500, 0, 800, bar), (1308, 0, 1608, bar)]:  # the dates
        assert white_pixels(plain, box) == 0
        assert white_pixels(full, box) > 30
    low = bar + 600
    assert white_pixels(full, (0, low, 400, low + bottom)) > 50  # the reference
    assert white_pixels(plain, (0, low, 400, low + bottom)) == 0
    footer_box = (900, low, 1608, low + bottom)
    assert sum(full.crop(footer_box).histogram()[151:]) > 50
    assert sum(plain.crop(footer_box).histogram()[151:]) == 0


def test_portrait_and_landscape_get_the_same_height():
    out = before_after(
        solid(RED, (600, 800)), solid(BLUE, (1200, 900), "PNG"), reference="SKA-0001-0002"
    )
    im = open_jpeg(out)
    height = 900  # the taller photo sets the height; the other is scaled up to it
    bar, bottom = layout(height)
    assert im.size == (675 + GAP + 1200, bar + height + bottom)
    assert close(im.getpixel((337, bar + 5)), RED)
    assert close(im.getpixel((337, bar + height - 5)), RED)
    assert close(im.getpixel((675 + GAP + 600, bar + height - 5)), BLUE)


def test_exif_orientation_of_inputs_is_applied():
    # Stored landscape, Orientation=6: the citizen saw a portrait photo.
    sideways = solid(RED, (800, 600), exif=camera_exif(orientation=6))
    im = open_jpeg(before_after(sideways, solid(BLUE, (600, 800)), reference="SKA-1"))
    bar, bottom = layout(800)
    assert im.size == (600 + GAP + 600, bar + 800 + bottom)


def test_big_photos_are_capped_at_the_panel_height():
    big = encode(scene(1, (4000, 3000)), "JPEG", quality=80)
    im = open_jpeg(before_after(big, big, reference="SKA-0427-3318"))
    bar, bottom = layout(MAX_PANEL_HEIGHT)
    assert im.size == (1600 + GAP + 1600, bar + MAX_PANEL_HEIGHT + bottom)


def test_panorama_and_tall_screenshot_are_letterboxed():
    im = open_jpeg(
        before_after(solid(RED, (2000, 400)), solid(BLUE, (300, 1200), "WEBP"), reference="SKA-2")
    )
    height = 1200
    bar, bottom = layout(height)
    # At most 2:1 and at least 1:2 per half, with dark bands around the photo.
    assert im.size == (2400 + GAP + 600, bar + height + bottom)
    assert close(im.getpixel((1200, bar + 600)), RED)
    assert max(im.getpixel((1200, bar + 20))) < 50
    assert close(im.getpixel((2400 + GAP + 300, bar + 600)), BLUE)
    assert max(im.getpixel((2400 + GAP + 10, bar + 600))) < 50


def test_output_carries_no_metadata_from_the_photos():
    exif = camera_exif(taken="2025:03:14 09:30:00")
    out = before_after(
        solid(RED, (800, 600), exif=exif, comment=b"rahasia"),
        solid(BLUE, (800, 600), "WEBP", exif=exif),
        reference="SKA-0427-3318",
    )
    im = open_jpeg(out)
    assert len(im.getexif()) == 0
    assert not {"exif", "icc_profile", "xmp", "comment"} & set(im.info)
    assert b"Exif" not in out and b"rahasia" not in out and b"Samsung" not in out


def test_long_and_non_latin_text_does_not_break_the_picture():
    out = before_after(
        solid(RED, (400, 300)),
        solid(BLUE, (400, 300)),
        reference="SKA-0427-3318",
        before_label="SEBELUM PERBAIKAN OLEH TIM GABUNGAN KELURAHAN",
        before_date="Jumat, 14 Maret 2025 pukul 09.30 WIB",
        after_date="Kamis, 20 Maret 2025 pukul 15.05 WIB",
        footer="Café — jalan berlubang 日本語 " * 10,
    )
    height = MIN_PANEL_HEIGHT  # small photos are enlarged to the minimum panel height
    bar, bottom = layout(height)
    assert open_jpeg(out).size == (2 * height * 4 // 3 + GAP, bar + height + bottom)


@pytest.mark.parametrize("bad", [b"bukan foto", b"\xff\xd8\xff" + b"rusak" * 10])
def test_bad_input_is_refused_like_an_upload(bad):
    with pytest.raises(ImageRejected):
        before_after(bad, solid(BLUE, (100, 100)), reference="SKA-3")
    with pytest.raises(ImageRejected):
        before_after(solid(RED, (100, 100)), bad, reference="SKA-3")


def test_heic_photos_can_be_combined():
    heic = encode(scene(2, (640, 480)), "HEIF")
    im = open_jpeg(before_after(heic, solid(BLUE, (640, 480)), reference="SKA-4"))
    bar, bottom = layout(480)
    assert im.size == (640 + GAP + 640, bar + 480 + bottom)
