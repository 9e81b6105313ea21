"""Before/after picture: two photos side by side with labels, dates and the reference.

Pure function on bytes (layer 2). The inputs go through the same checks as uploads
(`images.open_oriented`), so EXIF orientation is applied and nothing of the originals'
metadata reaches the output. Text uses Pillow's embedded default font, so no font files
are needed. Pass the stored public copies (`ProcessedImage.public_jpeg`, at most 1600 px):
two of them combine in about 0.2 s, two 12 MP originals take several times longer.
"""

from __future__ import annotations

import io
import unicodedata

from PIL import Image, ImageDraw, ImageFont

from .images import open_oriented

MAX_PANEL_HEIGHT = 1200  # px of photo in each half; the picture is sent at this size
MIN_PANEL_HEIGHT = 360
MAX_ASPECT = 2.0  # a panorama wider than 2:1 is letterboxed rather than made enormous
MIN_ASPECT = 0.5  # a tall screenshot gets side bands, so the top bar text still fits
GAP = 8
QUALITY = 85

DARK = (24, 24, 27)
WHITE = (255, 255, 255)
GREY = (210, 210, 215)
BEFORE_BAR = (90, 90, 98)
AFTER_BAR = (22, 120, 60)


def before_after(
    before: bytes,
    after: bytes,
    *,
    reference: str,
    before_label: str = "SEBELUM",
    after_label: str = "SESUDAH",
    before_date: str = "",
    after_date: str = "",
    footer: str = "",
) -> bytes:
    """A side-by-side JPEG: each photo at the same height under a labelled bar, and a
    bottom bar with the reference number and `footer`. Raises `ImageRejected` for an
    input that is not an acceptable photo."""
    photos = [open_oriented(data, max_side=2 * MAX_PANEL_HEIGHT) for data in (before, after)]
    height = max(MIN_PANEL_HEIGHT, min(MAX_PANEL_HEIGHT, max(p.height for p in photos)))
    panels = [_panel(p, height) for p in photos]

    bar = round(height * 0.1)
    bottom = round(height * 0.085)
    width = sum(p.width for p in panels) + GAP
    canvas = Image.new("RGB", (width, bar + height + bottom), DARK)
    draw = ImageDraw.Draw(canvas)
    label_font = _font(round(bar * 0.48))
    date_font = _font(round(bar * 0.3))
    pad = round(bar * 0.22)

    x = 0
    for panel, label, date, colour in (
        (panels[0], before_label, before_date, BEFORE_BAR),
        (panels[1], after_label, after_date, AFTER_BAR),
    ):
        draw.rectangle((x, 0, x + panel.width - 1, bar - 1), fill=colour)
        room = panel.width - 2 * pad
        label_text = _fit(draw, label, label_font, room)
        draw.text((x + pad, bar // 2), label_text, font=label_font, fill=WHITE, anchor="lm")
        if date:
            used = draw.textlength(label_text, font=label_font) + pad
            date_text = _fit(draw, date, date_font, room - used)
            if date_text:
                draw.text(
                    (x + panel.width - pad, bar // 2),
                    date_text,
                    font=date_font,
                    fill=WHITE,
                    anchor="rm",
                )
        canvas.paste(panel, (x, bar))
        x += panel.width + GAP

    ref_font = _font(round(bottom * 0.5))
    footer_font = _font(round(bottom * 0.36))
    pad = round(bottom * 0.25)
    y = bar + height + bottom // 2
    ref_text = _fit(draw, reference, ref_font, width - 2 * pad)
    draw.text((pad, y), ref_text, font=ref_font, fill=WHITE, anchor="lm")
    if footer:
        footer_room = width - 3 * pad - draw.textlength(ref_text, font=ref_font)
        footer_text = _fit(draw, footer, footer_font, footer_room)
        if footer_text:
            draw.text((width - pad, y), footer_text, font=footer_font, fill=GREY, anchor="rm")

    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def _panel(photo: Image.Image, height: int) -> Image.Image:
    """The photo scaled to `height`, letterboxed when its shape is extreme."""
    aspect = photo.width / photo.height
    width = round(height * min(max(aspect, MIN_ASPECT), MAX_ASPECT))
    if abs(aspect * height - width) < 1:
        return photo.resize((width, height), Image.Resampling.LANCZOS)
    panel = Image.new("RGB", (width, height), DARK)
    scale = min(width / photo.width, height / photo.height)
    size = (max(1, round(photo.width * scale)), max(1, round(photo.height * scale)))
    fitted = photo.resize(size, Image.Resampling.LANCZOS)
    panel.paste(fitted, ((width - fitted.width) // 2, (height - fitted.height) // 2))
    return panel


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=max(size, 8))  # Pillow's embedded Aileron


_DASHES = str.maketrans({"\u2014": "-", "\u2013": "-", "\u2022": "\u00b7"})


def _printable(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> str:
    """The embedded font is basic Latin: fold accents and dashes, "?" for the rest."""
    text = unicodedata.normalize("NFKD", text.translate(_DASHES))
    text = "".join(c for c in text if not unicodedata.combining(c))
    missing = (font.getlength("\uffff"), font.getbbox("\uffff"))
    return "".join(
        c if c.isascii() or (font.getlength(c), font.getbbox(c)) != missing else "?" for c in text
    )


def _fit(draw: ImageDraw.ImageDraw, text: str, font, max_width: float) -> str:
    """`text`, printable and shortened with an ellipsis to fit `max_width` (or empty)."""
    text = _printable(text, font)
    if draw.textlength(text, font=font) <= max_width:
        return text
    while text and draw.textlength(text + "…", font=font) > max_width:
        text = text[:-1]
    return text.rstrip() + "…" if text else ""
