"""The desk's printable poster: the venue's name, a line in English and in Arabic, and a QR
code to its public page, on A4 or A5. Arabic is shaped (joined letters, right to left) by
HarfBuzz through fpdf2; the fonts are Debian's (fonts-dejavu-core, fonts-noto-core, which
scripts/setup.sh installs when missing)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Literal

import segno
from fpdf import FPDF

from mafqood.core.i18n import translate

PosterSize = Literal["a4", "a5"]
PAGE_MM = {"a4": (210.0, 297.0), "a5": (148.0, 210.0)}
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/noto"))
LATIN_FONT = "DejaVuSans.ttf"
LATIN_BOLD = "DejaVuSans-Bold.ttf"
ARABIC_FONT = "NotoSansArabic-Regular.ttf"
ARABIC_BOLD = "NotoSansArabic-Bold.ttf"


class FontMissing(RuntimeError):
    """The poster's fonts are not installed (scripts/setup.sh installs them)."""


def _font(name: str) -> Path:
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return folder / name
    raise FontMissing(name)


def poster_pdf(venue_name: str, url: str, size: PosterSize) -> bytes:
    pdf = FPDF(format=PAGE_MM[size])
    pdf.set_title(f"{venue_name} - Mafqood")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.add_font("latin", "", str(_font(LATIN_FONT)))
    pdf.add_font("latin", "B", str(_font(LATIN_BOLD)))
    pdf.add_font("arabic", "", str(_font(ARABIC_FONT)))
    pdf.add_font("arabic", "B", str(_font(ARABIC_BOLD)))
    pdf.set_fallback_fonts(["latin", "arabic"])
    pdf.set_text_shaping(True)
    scale = 1.0 if size == "a4" else 0.7
    width = pdf.w - 2 * pdf.l_margin

    def line(text: str, points: float, style: str = "", rtl: bool = False) -> None:
        pdf.set_font("arabic" if rtl else "latin", style, points * scale)
        pdf.set_text_shaping(True, direction="rtl" if rtl else "ltr")
        pdf.multi_cell(width, points * scale * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_y(18 * scale)
    line(venue_name, 30, "B", rtl=_is_arabic(venue_name))
    pdf.ln(6 * scale)
    line(translate("public.poster.lost", "en"), 26, "B")
    line(translate("public.poster.lost", "ar"), 26, "B", rtl=True)
    pdf.ln(4 * scale)
    qr = segno.make(url, error="m")
    image = io.BytesIO()
    qr.save(image, kind="png", scale=12, border=4)
    side = 120 * scale
    pdf.image(image, x=(pdf.w - side) / 2, y=pdf.get_y() + 4 * scale, w=side, h=side)
    pdf.set_y(pdf.get_y() + side + 10 * scale)
    line(translate("public.poster.scan", "en"), 16)
    pdf.ln(2 * scale)
    line(translate("public.poster.scan", "ar"), 16, rtl=True)
    pdf.ln(4 * scale)
    line(url, 10)
    return bytes(pdf.output())


def _is_arabic(text: str) -> bool:
    return any("\u0600" <= char <= "\u06ff" for char in text)
