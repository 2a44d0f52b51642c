"""Reading made-up documents (tests/document_photos.py) with tesseract, checking what was
read (check digits, Luhn), and keeping only what matching needs: keyed hashes, a card's last
four digits, name tokens that agree across scripts and spellings."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from mafqood.documents import facts
from mafqood.documents.digests import identifier_digests
from mafqood.documents.identifiers import (
    card_numbers,
    check_digit,
    emirates_ids,
    read_zone,
    valid_emirates_id,
)
from mafqood.documents.names import name_tokens, names_agree
from mafqood.vision.reading import DocumentReading, read_brand_text, read_document
from tests import document_photos
from tests.document_photos import document_photo, make_document, render

SECRET = "s" * 40


def _read(photo: bytes) -> DocumentReading:
    return read_document(Image.open(io.BytesIO(photo)))


@pytest.mark.parametrize("kind", ["emirates_id", "passport"])
def test_an_identity_document_photographed_is_read_and_its_number_checked(kind: str) -> None:
    doc, photo = document_photo(21, kind, "medium")
    reading = _read(photo)
    assert reading.kind == kind and reading.issuer == "ARE"
    assert doc.digits in reading.identifiers
    assert set(name_tokens(doc.name)) <= set(reading.name_tokens)
    assert "mrz" in reading.fields and "number" in reading.fields and "name" in reading.fields
    # The Arabic name is read too, and comes to the same tokens.
    assert set(name_tokens(doc.name_ar)) <= set(reading.name_tokens)


def test_a_bank_card_is_recognised_by_luhn_and_keeps_only_its_last_four() -> None:
    doc, photo = document_photo(22, "bank_card", "easy")
    reading = _read(photo)
    assert reading.kind == "bank_card" and reading.card_last4 == doc.digits[-4:]
    assert reading.identifiers == (doc.digits,)
    stored = facts.read(
        reading.kind, reading.issuer, reading.identifiers, reading.card_last4,
        reading.name_tokens, reading.fields, [SECRET],
    )  # fmt: skip
    kept = repr(stored) + repr(reading)
    assert doc.digits not in kept and doc.digits[:12] not in kept
    assert stored.digests == tuple(identifier_digests(doc.digits, [SECRET]))


def test_a_photo_without_a_document_reads_nothing() -> None:
    from tests import images

    reading = _read(images.jpeg(seed=5))
    assert reading.empty and reading.kind is None and reading.identifiers == ()


def test_brand_words_are_read_from_an_item() -> None:
    image = Image.new("RGB", (800, 400), (240, 240, 240))
    font = ImageFont.truetype(str(document_photos.NOTO / "NotoSans-Bold.ttf"), 90)
    ImageDraw.Draw(image).text((60, 140), "SAMSONITE", font=font, fill=(20, 20, 20))
    assert read_brand_text(image) == ["samsonite"]


def test_machine_readable_zones_are_accepted_only_when_their_check_digits_agree() -> None:
    passport = make_document(3, "passport")
    card = make_document(3, "emirates_id")
    zone = read_zone(list(passport.mrz))
    assert zone is not None and zone.format == "TD3" and zone.number == passport.number
    assert (zone.surname, zone.given_names) == (passport.family_name, passport.given_name)
    td1 = read_zone(list(card.mrz))
    assert td1 is not None and td1.format == "TD1" and td1.optional == card.digits
    # One digit of the document number changed: its check digit no longer agrees.
    line1, line2 = passport.mrz
    wrong = str((int(line2[3]) + 1) % 10)
    assert read_zone([line1, line2[:3] + wrong + line2[4:]]) is None
    # A birth date misread: the composite check (and the date's own) fail.
    first, second, third = card.mrz
    assert read_zone([first, second[:2] + "13" + second[4:], third]) is None
    # OCR's usual confusions in a digit position are undone before checking.
    assert read_zone([line1, line2[:10] + line2[10:].replace("0", "O", 1)]) is not None
    assert check_digit("L898902C3") == "6" and check_digit("740812") == "2"  # ICAO 9303 sample


def test_emirates_id_numbers_are_recognised_and_validated() -> None:
    doc = make_document(8, "emirates_id")
    assert emirates_ids(f"ID Number {doc.number} issued") == [doc.digits]
    assert valid_emirates_id(doc.number) and valid_emirates_id(doc.digits)
    wrong = doc.digits[:-1] + str((int(doc.digits[-1]) + 1) % 10)
    assert emirates_ids(wrong) == [] and not valid_emirates_id(wrong)
    assert not valid_emirates_id("123" + doc.digits[3:])  # not 784


def test_card_numbers_are_recognised_by_luhn() -> None:
    doc = make_document(9, "bank_card")
    assert card_numbers(f"card {doc.number} valid") == [doc.digits]
    assert card_numbers(doc.digits[:-1] + str((int(doc.digits[-1]) + 1) % 10)) == []
    # An Emirates ID number is Luhn-valid too, and is not a card.
    assert card_numbers(make_document(9, "emirates_id").digits) == []


@pytest.mark.parametrize(
    "spellings",
    [
        ["Mohammed", "Muhammad", "Mohamed", "Mohamad", "محمد", "مُحَمَّد"],
        ["Ahmed", "Ahmad", "أحمد", "احمد"],
        ["Khalid", "Khaled", "خالد"],
        ["Yousef", "Yusuf", "Youssef", "يوسف"],
        ["Abdullah", "Abdallah", "عبدالله", "عبد الله"],
        ["Fatima", "Fatimah", "Fatma", "فاطمة", "فاطمه"],
        ["Aisha", "Aysha", "Ayesha", "عائشة"],
        ["Al Mansoori", "Al-Mansouri", "Almansoori", "Mansoori", "المنصوري"],
        ["Al Dhaheri", "الظاهري"],
    ],
)
def test_names_agree_across_scripts_and_transliterations(spellings: list[str]) -> None:
    tokens = {tuple(name_tokens(name)) for name in spellings}
    assert len(tokens) == 1, tokens


def test_a_stated_name_agrees_with_a_document_only_with_two_of_its_names() -> None:
    document = name_tokens("MOHAMMED AL MANSOORI") + name_tokens("محمد المنصوري")
    assert names_agree(name_tokens("محمد المنصوري"), document)
    assert names_agree(name_tokens("Muhammad Almansouri"), document)
    assert not names_agree(name_tokens("Mohammed"), document)  # a given name alone
    assert not names_agree(name_tokens("Mohammed Al Shamsi"), document)


def test_identifiers_are_kept_as_keyed_hashes_under_every_active_key() -> None:
    current, previous = "c" * 40, "p" * 40
    digests = identifier_digests("784-1985-7928081-3", [current, previous])
    assert digests == identifier_digests("784198579280813", [current, previous])
    assert digests[0] != digests[1] and all(len(d) == 64 for d in digests)
    assert identifier_digests("784198579280813", ["other" * 8]) != digests[:1]
    assert "784198579280813" not in "".join(digests)


def test_what_a_lost_report_states_is_kept_as_matching_needs_it() -> None:
    eid = make_document(4, "emirates_id")
    stated = facts.stated(eid.number, "محمد المنصوري", [SECRET])
    assert stated is not None and stated.kind == "emirates_id" and stated.issuer == "ARE"
    assert stated.digests == tuple(identifier_digests(eid.digits, [SECRET]))
    assert stated.name_tokens == ("mhmd", "mnsr") and stated.fields == ("number", "name")
    last4 = facts.stated("4821", "Omar Haddad", [SECRET])
    assert last4 is not None and last4.card_last4 == "4821" and last4.digests == ()
    assert facts.stated(None, None, [SECRET]) is None


def test_what_two_documents_say_about_being_one() -> None:
    eid = make_document(5, "emirates_id")
    other = make_document(6, "emirates_id")
    found = facts.read(
        "emirates_id", "ARE", [eid.digits], None, name_tokens(eid.name), (), [SECRET]
    )
    by_number = facts.stated(eid.number, None, [SECRET])
    by_name = facts.stated(None, eid.name_ar, [SECRET])
    wrong_number = facts.stated(other.number, eid.name, [SECRET])
    assert by_number and by_name and wrong_number
    assert facts.compare(by_number, found) == "identifier"
    assert facts.compare(by_name, found) == "name"
    assert facts.compare(wrong_number, found) == "conflict"
    passport = facts.read(
        "passport", "ARE", ["X1234567"], None, name_tokens(eid.name), (), [SECRET]
    )
    by_name_card = facts.stated("1234567812345670", eid.name, [SECRET])
    assert by_name_card and facts.compare(by_name_card, passport) == "conflict"


def test_the_generator_draws_what_it_says() -> None:
    doc = make_document(1, "passport")
    assert len(doc.mrz) == 2 and all(len(line) == 44 for line in doc.mrz)
    card = render(make_document(1, "emirates_id"))
    assert card.size == (1012, 638)
    for difficulty in document_photos.DIFFICULTIES:
        photo = document_photos.phone_photo(card, difficulty, seed=1)
        assert Image.open(io.BytesIO(photo)).format == "JPEG"
