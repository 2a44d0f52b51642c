"""Reading the text of photos with Debian's tesseract-ocr (English and Arabic models),
offline, in vision workers only.

Documents (identity cards, passports, bank cards, licences): the card is found and flattened
(its outline's perspective undone), read in English and in Arabic, and its machine-readable
zone read apart with the zone's alphabet. What comes out is only what matching needs:
identifiers checked by their check digits (held in memory until hashed), a card's last four
digits, name tokens, the kind and issuer, and which fields were read. The OCR text itself is
dropped here and never logged; `DocumentReading`'s repr leaves the identifiers out.

Other items: the few confident words of a quicker English pass (a brand on a bag, a label)
join the report's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from PIL import Image

from mafqood.documents.identifiers import card_numbers, emirates_ids, read_zone
from mafqood.documents.names import name_tokens
from mafqood.vision.tesseract import pytesseract

_MRZ_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
# Printed labels and headings, not names.
_LATIN_BOILERPLATE = {
    "UNITED", "ARAB", "EMIRATES", "RESIDENT", "IDENTITY", "CARD", "PASSPORT", "NAME",
    "NATIONALITY", "VALID", "THRU", "BANK", "DEBIT", "CREDIT", "DRIVING", "LICENCE", "LICENSE",
    "DATE", "BIRTH", "EXPIRY", "SURNAME", "GIVEN", "NAMES", "TYPE", "CODE", "NO", "UAE",
}  # fmt: skip
_ARABIC_BOILERPLATE = {
    "دولة", "الإمارات", "الامارات", "العربية", "المتحدة", "جواز", "سفر", "الاسم", "الإسم",
    "بطاقة", "هوية", "الهوية", "الجنسية", "تاريخ", "الميلاد", "رخصة", "قيادة", "مقيم",
}  # fmt: skip
_ARABIC_WORD = re.compile(r"[\u0621-\u064a]{2,}")
_LABELLED_NAME = re.compile(r"\b(?:NAME|SURNAME|GIVEN NAMES?)\b\s*[:.]?\s*([A-Z][A-Z .'-]+)$")
_PASSPORT_NUMBER = re.compile(r"\b([A-Z][0-9]{7,8})\b")
_BRAND_WORD = re.compile(r"^[A-Za-z][A-Za-z&'-]{2,19}$")


@dataclass(frozen=True)
class DocumentReading:
    """What a document photo says, as far as matching needs it."""

    kind: str | None = None  # emirates_id, passport, id_card, bank_card, driving_licence
    issuer: str | None = None  # ICAO country code, or the bank's name in capitals
    # Checked identifiers, normalised; hashed before anything is stored.
    identifiers: tuple[str, ...] = field(default=(), repr=False)
    card_last4: str | None = field(default=None, repr=False)
    name_tokens: tuple[str, ...] = field(default=(), repr=False)
    # Which fields were read (number, name, name_ar, mrz, card_number, issuer): for staff.
    fields: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.identifiers or self.name_tokens or self.card_last4)


def _rectify(rgb: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The card cut out of the photo along its outline and made rectangular, about 1400
    pixels wide; the photo as it is when no card-like outline is found."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 30, 100)
    edges = cv2.dilate(edges, np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    height, width = gray.shape
    target = 1400 / max(height, width)
    if contours:
        outline = cv2.convexHull(max(contours, key=cv2.contourArea))
        corners = cv2.approxPolyDP(outline, 0.02 * cv2.arcLength(outline, True), True)
        if len(corners) == 4 and cv2.contourArea(corners) > 0.2 * height * width:
            points = corners.reshape(4, 2).astype(np.float32)
            sums, diffs = points.sum(axis=1), np.diff(points, axis=1).ravel()
            tl, br = points[sums.argmin()], points[sums.argmax()]
            tr, bl = points[diffs.argmin()], points[diffs.argmax()]
            w = float(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
            h = float(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
            scale = max(1.0, 1400 / max(w, h))
            w, h = w * scale, h * scale
            source = np.array([tl, tr, br, bl], dtype=np.float32)
            square = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
            matrix = cv2.getPerspectiveTransform(source, square)
            return cv2.warpPerspective(rgb, matrix, (int(w), int(h)))
    if target > 1.0:
        return cv2.resize(rgb, None, fx=target, fy=target, interpolation=cv2.INTER_CUBIC)
    return rgb


def _ocr(image: np.ndarray[Any, Any], lang: str, config: str) -> str:
    text: str = pytesseract.image_to_string(image, lang=lang, config=config)
    return text


def read_document(image: Image.Image) -> DocumentReading:
    """Read a photo of a document or card (a few seconds of one core)."""
    card = _rectify(np.asarray(image.convert("RGB")))
    gray = cv2.cvtColor(card, cv2.COLOR_RGB2GRAY)
    latin = _ocr(gray, "eng", "--psm 3").upper()
    lines = [line.strip() for line in latin.splitlines() if line.strip()]
    bottom = gray[gray.shape[0] // 2 :]
    zone_text = _ocr(bottom, "eng", f"--psm 6 -c tessedit_char_whitelist={_MRZ_ALPHABET}")
    zone = read_zone(zone_text.splitlines()) or read_zone(lines)

    fields: list[str] = []
    identifiers: list[str] = []
    names: set[str] = set()
    kind: str | None = None
    issuer: str | None = None
    last4: str | None = None
    eids = emirates_ids(latin)
    if zone is not None:
        fields.append("mrz")
        issuer = zone.issuer
        names.update(name_tokens(f"{zone.surname} {zone.given_names}"))
        if zone.format == "TD3":
            kind = "passport"
            identifiers.append(zone.number)
        elif zone.optional.startswith("784") and zone.optional in emirates_ids(zone.optional):
            kind = "emirates_id"
            eids = [zone.optional, *[e for e in eids if e != zone.optional]]
        else:
            kind = "id_card"
            identifiers.append(zone.number)
    if eids:
        kind, issuer = "emirates_id", "ARE"
        identifiers.extend(e for e in eids if e not in identifiers)
    if kind is None and "PASSPORT" in latin:
        kind = "passport"
        identifiers.extend(_PASSPORT_NUMBER.findall(latin)[:1])
    cards = card_numbers(latin) if kind is None else []
    if kind is None and not cards:
        # Card numbers sit in a band across the lower middle of a bank card (ISO 7810);
        # glare on a dark card often hides a group of digits from the full pass.
        band = gray[int(gray.shape[0] * 0.45) : int(gray.shape[0] * 0.8)]
        cards = card_numbers(_ocr(band, "eng", "--psm 6 -c tessedit_char_whitelist=0123456789"))
    if cards and kind is None:
        kind = "bank_card"
        identifiers.extend(cards[:1])
        last4 = cards[0][-4:]
        fields.append("card_number")
        issuer = _bank(lines)
    if kind is None and ("LICENCE" in latin or "LICENSE" in latin):
        kind = "driving_licence"
    if identifiers and "card_number" not in fields:
        fields.append("number")
    latin_names = _latin_names(lines, bank_card=kind == "bank_card")
    if latin_names:
        names.update(latin_names)
    if names:
        fields.append("name")
    arabic_names = [] if kind == "bank_card" else _arabic_words(gray)
    if arabic_names:
        names.update(name_tokens(" ".join(arabic_names)))
        fields.append("name_ar")
    if issuer:
        fields.append("issuer")
    return DocumentReading(
        kind=kind,
        issuer=issuer,
        identifiers=tuple(identifiers),
        card_last4=last4,
        name_tokens=tuple(sorted(names)),
        fields=tuple(fields),
    )


def _arabic_words(gray: np.ndarray[Any, Any]) -> list[str]:
    """The Arabic words read with confidence that are not printed labels: the Arabic model
    also turns Latin text into Arabic-looking words, with low confidence."""
    data = pytesseract.image_to_data(
        gray, lang="ara", config="--psm 3", output_type=pytesseract.Output.DICT
    )
    return [
        word
        for word, confidence in zip(data["text"], data["conf"], strict=True)
        if float(confidence) >= 88
        and _ARABIC_WORD.fullmatch(word.strip(":"))
        and word.strip(":") not in _ARABIC_BOILERPLATE
    ]


def _latin_names(lines: list[str], *, bank_card: bool) -> list[str]:
    tokens: list[str] = []
    for line in lines:
        labelled = _LABELLED_NAME.search(line)
        if labelled:
            tokens.extend(name_tokens(labelled.group(1)))
    if bank_card:
        # The holder's name: a line of two to four words, none of them printed boilerplate.
        for line in reversed(lines):
            words = [word.strip(".,'-") for word in line.split()]
            plausible = 2 <= len(words) <= 4 and all(w.isalpha() for w in words)
            if plausible and not set(words) & _LATIN_BOILERPLATE:
                tokens.extend(name_tokens(line))
                break
    return tokens


def _bank(lines: list[str]) -> str | None:
    """The issuer of a bank card: its first line of words."""
    for line in lines:
        words = [w for w in line.split() if w.isalpha()]
        if words:
            return " ".join(words)
    return None


def read_brand_text(image: Image.Image, limit: int = 5) -> list[str]:
    """The few words printed on an item (a brand, a label) that one quick English pass reads
    with confidence; most photos give none."""
    small = image.convert("L")
    small.thumbnail((960, 960))
    data = pytesseract.image_to_data(
        small,
        lang="eng",
        # Sparse words anywhere; light text on dark is not tried again inverted (half the cost).
        config="--psm 11 -c tessedit_do_invert=0",
        output_type=pytesseract.Output.DICT,
    )
    words: list[str] = []
    for word, confidence in zip(data["text"], data["conf"], strict=True):
        word = word.strip()
        if float(confidence) >= 85 and _BRAND_WORD.match(word) and word.lower() not in words:
            words.append(word.lower())
    return words[:limit]
