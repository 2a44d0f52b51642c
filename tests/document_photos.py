"""Made-up identity documents and bank cards photographed by a phone, for the tests and the
benchmarks of reading documents. Nothing here is a real document: numbers are random (with
valid check digits), names are drawn from common Emirati given and family names.

`make_document(seed, kind)` gives the printed facts; `render(document)` the flat card;
`phone_photo(card, difficulty, seed)` a JPEG of it as a phone would take it (perspective,
blur, glare, noise, compression), harder with each level of `DIFFICULTIES`.

Fonts come from Debian's `fonts-noto-core` (Latin and Arabic faces) and `fonts-dejavu-core`
(the monospaced face of the machine-readable zone); Arabic is shaped by Pillow's raqm layout.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

KINDS = ("emirates_id", "passport", "bank_card")
DIFFICULTIES = ("clean", "easy", "medium", "hard")

NOTO = Path("/usr/share/fonts/truetype/noto")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")

# (English as printed, Arabic) pairs; other spellings of the same name are for the tests of
# transliteration.
GIVEN_NAMES = (
    ("MOHAMMED", "محمد"),
    ("AHMED", "أحمد"),
    ("KHALID", "خالد"),
    ("OMAR", "عمر"),
    ("YOUSEF", "يوسف"),
    ("ABDULLAH", "عبدالله"),
    ("HASSAN", "حسن"),
    ("SAEED", "سعيد"),
    ("HAMDAN", "حمدان"),
    ("RASHID", "راشد"),
    ("FATIMA", "فاطمة"),
    ("AISHA", "عائشة"),
    ("MARIAM", "مريم"),
    ("LAYLA", "ليلى"),
    ("NOURA", "نورة"),
    ("HESSA", "حصة"),
)
FAMILY_NAMES = (
    ("AL MANSOORI", "المنصوري"),
    ("AL NUAIMI", "النعيمي"),
    ("AL SHAMSI", "الشامسي"),
    ("AL HASHIMI", "الهاشمي"),
    ("AL MAZROUEI", "المزروعي"),
    ("AL KETBI", "الكتبي"),
    ("AL DHAHERI", "الظاهري"),
    ("AL SUWAIDI", "السويدي"),
    ("AL FALASI", "الفلاسي"),
    ("HADDAD", "حداد"),
)
BANKS = ("EMIRATES BANK", "GULF NATIONAL", "DESERT BANK", "PEARL BANK")


@dataclass(frozen=True)
class Document:
    """What is printed on one made-up document."""

    kind: str
    seed: int
    given_name: str
    family_name: str
    given_name_ar: str
    family_name_ar: str
    number: str  # as printed: 784-YYYY-NNNNNNN-C, a passport number, or a card number
    birth_date: dt.date
    expiry_date: dt.date
    sex: str = "M"
    nationality: str = "ARE"
    issuer: str = "ARE"
    mrz: tuple[str, ...] = field(default=())

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def name_ar(self) -> str:
        return f"{self.given_name_ar} {self.family_name_ar}"

    @property
    def digits(self) -> str:
        """The identifier without separators."""
        return "".join(ch for ch in self.number if ch.isalnum())


def luhn_digit(digits: str) -> str:
    """The check digit that makes `digits + it` pass Luhn's test."""
    total = 0
    for index, ch in enumerate(reversed(digits)):
        value = int(ch)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def mrz_digit(text: str) -> str:
    """ICAO 9303 check digit: weights 7, 3, 1; digits as themselves, A-Z as 10-35, < as 0."""
    total = 0
    for index, ch in enumerate(text):
        if ch.isdigit():
            value = int(ch)
        elif ch.isalpha():
            value = ord(ch) - ord("A") + 10
        else:
            value = 0
        total += value * (7, 3, 1)[index % 3]
    return str(total % 10)


def _mrz_name(family: str, given: str, width: int) -> str:
    name = family.replace(" ", "<") + "<<" + given.replace(" ", "<")
    return name[:width].ljust(width, "<")


def _yymmdd(day: dt.date) -> str:
    return day.strftime("%y%m%d")


def td1(document_number: str, doc: Document) -> tuple[str, str, str]:
    """The three 30-character lines of an identity card's machine-readable zone."""
    number = document_number[:9].ljust(9, "<")
    line1 = f"ID{doc.issuer}{number}{mrz_digit(number)}".ljust(30, "<")
    birth, expiry = _yymmdd(doc.birth_date), _yymmdd(doc.expiry_date)
    line2 = f"{birth}{mrz_digit(birth)}{doc.sex}{expiry}{mrz_digit(expiry)}{doc.nationality}".ljust(
        29, "<"
    )
    line2 += mrz_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    line3 = _mrz_name(doc.family_name, doc.given_name, 30)
    return line1, line2, line3


def td3(doc: Document) -> tuple[str, str]:
    """The two 44-character lines of a passport's machine-readable zone."""
    line1 = ("P<" + doc.issuer + _mrz_name(doc.family_name, doc.given_name, 39))[:44]
    number = doc.number[:9].ljust(9, "<")
    birth, expiry = _yymmdd(doc.birth_date), _yymmdd(doc.expiry_date)
    personal = "<" * 14
    line2 = (
        f"{number}{mrz_digit(number)}{doc.nationality}{birth}{mrz_digit(birth)}{doc.sex}"
        f"{expiry}{mrz_digit(expiry)}{personal}{mrz_digit(personal)}"
    )
    composite = line2[0:10] + line2[13:20] + line2[21:43]
    return line1, line2 + mrz_digit(composite)


def emirates_id_number(rng: random.Random, birth_year: int) -> str:
    body = f"784{birth_year}{rng.randrange(10**7):07d}"
    check = luhn_digit(body)
    return f"784-{birth_year}-{body[7:]}-{check}"


def card_number(rng: random.Random) -> str:
    body = "4" + "".join(str(rng.randrange(10)) for _ in range(14))
    digits = body + luhn_digit(body)
    return " ".join(digits[i : i + 4] for i in range(0, 16, 4))


def make_document(
    seed: int,
    kind: str = "emirates_id",
    *,
    given: tuple[str, str] | None = None,
    family: tuple[str, str] | None = None,
) -> Document:
    """A document of `kind` with random facts; the same seed gives the same document."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    rng = random.Random(f"{kind}:{seed}")
    given = given or rng.choice(GIVEN_NAMES)
    family = family or rng.choice(FAMILY_NAMES)
    birth = dt.date(rng.randrange(1960, 2006), rng.randrange(1, 13), rng.randrange(1, 29))
    expiry = dt.date(rng.randrange(2027, 2036), rng.randrange(1, 13), rng.randrange(1, 29))
    sex = "F" if given[0] in {"FATIMA", "AISHA", "MARIAM", "LAYLA", "NOURA", "HESSA"} else "M"
    base = Document(
        kind=kind,
        seed=seed,
        given_name=given[0],
        family_name=family[0],
        given_name_ar=given[1],
        family_name_ar=family[1],
        number="",
        birth_date=birth,
        expiry_date=expiry,
        sex=sex,
    )
    if kind == "emirates_id":
        number = emirates_id_number(rng, birth.year)
        card_serial = f"{rng.randrange(10**8, 10**9)}"
        doc = replace(base, number=number)
        line1, line2, line3 = td1(card_serial, doc)
        # The card's own serial is the zone's document number; its optional field carries
        # the 15-digit identity number, as on the cards.
        digits = number.replace("-", "")
        line1 = (line1[:15] + digits).ljust(30, "<")[:30]
        line2 = line2[:29] + mrz_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
        return replace(doc, mrz=(line1, line2, line3))
    if kind == "passport":
        letter = rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ")
        number = f"{letter}{rng.randrange(10**7, 10**8)}"
        doc = replace(base, number=number)
        return replace(doc, mrz=td3(doc))
    return replace(base, number=card_number(rng), issuer=rng.choice(BANKS))


@cache
def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    directory = DEJAVU if name.startswith("DejaVu") else NOTO
    return ImageFont.truetype(str(directory / name), size, layout_engine=ImageFont.Layout.RAQM)


def _background(
    rng: random.Random, size: tuple[int, int], tint: tuple[int, int, int]
) -> Image.Image:
    """A pale guilloche-like pattern, as printed under the text of identity cards."""
    width, height = size
    image = Image.new("RGB", size, tint)
    draw = ImageDraw.Draw(image)
    for _ in range(18):
        cx, cy = rng.randrange(width), rng.randrange(height)
        radius = rng.randrange(height // 3, height)
        shade = tuple(max(0, c - rng.randrange(8, 22)) for c in tint)
        draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], outline=shade, width=2)
    return image


def _portrait(
    draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], rng: random.Random
) -> None:
    """A drawn face (head, eyes, mouth) where a card's photo goes."""
    x0, y0, x1, y1 = box
    draw.rectangle(box, fill=(200, 205, 215))
    skin = (rng.randrange(150, 230), rng.randrange(110, 180), rng.randrange(80, 140))
    cx, w, h = (x0 + x1) // 2, x1 - x0, y1 - y0
    draw.ellipse([cx - w * 0.32, y0 + h * 0.12, cx + w * 0.32, y0 + h * 0.62], fill=skin)
    draw.rectangle([cx - w * 0.45, y0 + h * 0.7, cx + w * 0.45, y1], fill=(240, 240, 240))
    for side in (-1, 1):
        ex = cx + side * w * 0.12
        draw.ellipse([ex - 5, y0 + h * 0.32, ex + 5, y0 + h * 0.36], fill=(40, 30, 30))
    draw.arc(
        [cx - w * 0.1, y0 + h * 0.42, cx + w * 0.1, y0 + h * 0.52],
        20,
        160,
        fill=(120, 40, 40),
        width=3,
    )


def render(doc: Document) -> Image.Image:
    """The flat card or passport page, about 300 dpi."""
    rng = random.Random(f"render:{doc.kind}:{doc.seed}")
    if doc.kind == "bank_card":
        return _render_bank_card(doc, rng)
    if doc.kind == "passport":
        return _render_passport(doc, rng)
    return _render_emirates_id(doc, rng)


def _render_emirates_id(doc: Document, rng: random.Random) -> Image.Image:
    card = _background(rng, (1012, 638), (236, 240, 228))
    draw = ImageDraw.Draw(card)
    latin, latin_bold = _font("NotoSans-Regular.ttf", 26), _font("NotoSans-Bold.ttf", 30)
    arabic = _font("NotoNaskhArabic-Bold.ttf", 32)
    draw.text((40, 24), "UNITED ARAB EMIRATES", font=latin_bold, fill=(20, 60, 40))
    draw.text(
        (972, 20), "دولة الإمارات العربية المتحدة", font=arabic, fill=(20, 60, 40), anchor="ra"
    )
    draw.text((40, 70), "RESIDENT IDENTITY CARD", font=latin, fill=(20, 60, 40))
    _portrait(draw, (40, 130, 260, 400), rng)
    draw.text((290, 130), "ID Number", font=latin, fill=(60, 60, 60))
    draw.text((290, 160), doc.number, font=_font("NotoSans-Bold.ttf", 40), fill=(10, 10, 10))
    draw.text((972, 220), "الاسم: " + doc.name_ar, font=arabic, fill=(10, 10, 10), anchor="ra")
    draw.text((290, 280), "Name: " + doc.name.title(), font=latin_bold, fill=(10, 10, 10))
    draw.text(
        (290, 330),
        "Date of Birth: " + doc.birth_date.strftime("%d/%m/%Y"),
        font=latin,
        fill=(30, 30, 30),
    )
    draw.text((290, 370), "Nationality: United Arab Emirates", font=latin, fill=(30, 30, 30))
    _draw_mrz(card, doc.mrz, top=448, size=36)
    return card


def _render_passport(doc: Document, rng: random.Random) -> Image.Image:
    page = _background(rng, (1250, 880), (232, 236, 244))
    draw = ImageDraw.Draw(page)
    latin, bold = _font("NotoSans-Regular.ttf", 26), _font("NotoSans-Bold.ttf", 32)
    arabic = _font("NotoNaskhArabic-Bold.ttf", 34)
    draw.text((40, 24), "PASSPORT", font=bold, fill=(30, 30, 90))
    draw.text((1210, 20), "جواز سفر", font=arabic, fill=(30, 30, 90), anchor="ra")
    _portrait(draw, (40, 110, 330, 470), rng)
    rows = (
        ("Type / Code / Passport No.", f"P   {doc.issuer}   {doc.number}"),
        ("Surname", doc.family_name),
        ("Given Names", doc.given_name),
        ("Date of Birth", doc.birth_date.strftime("%d %b %Y").upper()),
        ("Date of Expiry", doc.expiry_date.strftime("%d %b %Y").upper()),
    )
    y = 110
    for label, value in rows:
        draw.text((370, y), label, font=_font("NotoSans-Regular.ttf", 20), fill=(80, 80, 80))
        draw.text((370, y + 22), value, font=bold, fill=(10, 10, 10))
        y += 74
    draw.text((1210, 500), doc.name_ar, font=arabic, fill=(10, 10, 10), anchor="ra")
    draw.text((370, y), "Nationality: UAE", font=latin, fill=(30, 30, 30))
    _draw_mrz(page, doc.mrz, top=690, size=40)
    return page


def _render_bank_card(doc: Document, rng: random.Random) -> Image.Image:
    colour = rng.choice(((20, 40, 90), (90, 20, 30), (15, 70, 60), (40, 40, 45)))
    card = Image.new("RGB", (1012, 638), colour)
    draw = ImageDraw.Draw(card)
    for i in range(0, 1012, 6):
        shade = tuple(min(255, c + int(30 * i / 1012)) for c in colour)
        draw.line([(i, 0), (i, 638)], fill=shade, width=6)
    draw.text((50, 40), doc.issuer, font=_font("NotoSans-Bold.ttf", 44), fill=(250, 250, 250))
    draw.rounded_rectangle([80, 200, 210, 300], radius=14, fill=(212, 175, 55))
    draw.text(
        (80, 360), doc.number, font=_font("DejaVuSansMono-Bold.ttf", 64), fill=(245, 245, 245)
    )
    draw.text(
        (80, 460),
        "VALID THRU " + doc.expiry_date.strftime("%m/%y"),
        font=_font("NotoSans-Regular.ttf", 26),
        fill=(235, 235, 235),
    )
    draw.text((80, 520), doc.name, font=_font("NotoSans-Bold.ttf", 38), fill=(245, 245, 245))
    return card


def _draw_mrz(image: Image.Image, lines: tuple[str, ...], *, top: int, size: int) -> None:
    draw = ImageDraw.Draw(image)
    width = image.width
    draw.rectangle([0, top - 12, width, image.height], fill=(250, 250, 248))
    font = _font("DejaVuSansMono.ttf", size)
    for index, line in enumerate(lines):
        draw.text(
            (width // 2, top + index * int(size * 1.25)),
            line,
            font=font,
            fill=(15, 15, 15),
            anchor="ma",
        )


# Per difficulty: tilt of the corners (fraction of the side), blur radius, glare strength,
# noise sigma, JPEG quality, scale of the card in the photo.
_LOOK = {
    "clean": (0.0, 0.0, 0.0, 0.0, 95, 1.0),
    "easy": (0.03, 0.6, 0.15, 3.0, 88, 0.9),
    "medium": (0.06, 1.0, 0.3, 6.0, 80, 0.75),
    "hard": (0.1, 1.6, 0.45, 10.0, 70, 0.6),
}


def phone_photo(card: Image.Image, difficulty: str = "easy", seed: int = 0) -> bytes:
    """A JPEG of `card` lying on a table, photographed at an angle with a phone."""
    tilt, blur, glare, noise, quality, scale = _LOOK[difficulty]
    rng = random.Random(f"photo:{difficulty}:{seed}")
    width, height = card.size
    if difficulty == "clean":
        return _jpeg(card, quality)
    # A table a bit larger than the card, the card placed on it through a perspective warp.
    margin_x, margin_y = int(width * 0.12), int(height * 0.15)
    table_size = (width + 2 * margin_x, height + 2 * margin_y)
    table = Image.new("RGB", table_size, tuple(rng.randrange(90, 170) for _ in range(3)))
    corners = []
    for cx, cy in ((0, 0), (width, 0), (width, height), (0, height)):
        jitter_x = rng.uniform(-tilt, tilt) * width
        jitter_y = rng.uniform(-tilt, tilt) * height
        corners.append((cx + margin_x + jitter_x, cy + margin_y + jitter_y))
    coefficients = _perspective(corners, [(0, 0), (width, 0), (width, height), (0, height)])
    warped = card.transform(
        table_size, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC
    )
    mask = Image.new("L", card.size, 255).transform(
        table_size, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC
    )
    table.paste(warped, (0, 0), mask)
    photo = np.asarray(table, dtype=np.float32)
    if glare:
        gy, gx = np.mgrid[0 : table_size[1], 0 : table_size[0]].astype(np.float32)
        cx, cy = rng.uniform(0.2, 0.8) * table_size[0], rng.uniform(0.2, 0.8) * table_size[1]
        radius = rng.uniform(0.15, 0.3) * table_size[0]
        spot = np.exp(-((gx - cx) ** 2 + (gy - cy) ** 2) / (2 * radius**2)) * 255 * glare
        photo = photo + spot[..., None]
    if noise:
        photo = photo + np.random.default_rng(seed).normal(0, noise, photo.shape)
    image = Image.fromarray(np.clip(photo, 0, 255).astype(np.uint8))
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    if scale != 1.0:
        image = image.resize(
            (int(table_size[0] * scale), int(table_size[1] * scale)), Image.Resampling.LANCZOS
        )
    return _jpeg(image, quality)


def _perspective(
    source: list[tuple[float, float]], target: list[tuple[float, float]]
) -> tuple[float, ...]:
    """Coefficients of PIL's perspective transform mapping output points `source` to input
    points `target`."""
    rows = []
    for (x, y), (u, v) in zip(source, target, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    matrix = np.array(rows, dtype=np.float64)
    vector = np.array([c for point in target for c in point], dtype=np.float64)
    return tuple(float(c) for c in np.linalg.solve(matrix, vector))


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def document_photo(
    seed: int, kind: str = "emirates_id", difficulty: str = "easy"
) -> tuple[Document, bytes]:
    """A made-up document and a phone photo of it."""
    doc = make_document(seed, kind)
    return doc, phone_photo(render(doc), difficulty, seed)


def look_alikes(count: int, kind: str = "emirates_id", start: int = 0) -> list[Document]:
    """`count` documents of one kind with different numbers and names drawn from the same
    short lists, so many share a given or family name: they look alike in a photo."""
    return [make_document(start + index, kind) for index in range(count)]
