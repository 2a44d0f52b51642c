"""Identifiers printed on documents, recognised and checked: machine-readable zones (TD1 of
identity cards, TD3 of passports, ICAO 9303) by their check digits, Emirates ID numbers
(784-YYYY-NNNNNNN-C, Luhn check digit) and bank card numbers (Luhn)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import luhn

_FILLER = "<"
# What OCR confuses in the machine-readable zone's fixed font, by the kind of the position.
_AS_DIGIT = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2",
                           "S": "5", "B": "8", "G": "6", "T": "7"})  # fmt: skip
_AS_LETTER = str.maketrans({"0": "O", "1": "I", "2": "Z", "5": "S", "8": "B", "6": "G"})
_EMIRATES_ID = re.compile(r"(?<!\d)784[\s.-]?(\d{4})[\s.-]?(\d{7})[\s.-]?(\d)(?!\d)")
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")


def normalise_identifier(value: str) -> str:
    """The form that is hashed: letters and digits only, upper case (784-1985-... and
    7841985... are one number)."""
    return "".join(ch for ch in value.upper() if ch.isascii() and ch.isalnum())


def check_digit(field: str) -> str:
    """ICAO 9303: weights 7, 3, 1; A-Z count 10-35, the filler 0."""
    total = 0
    for index, ch in enumerate(field):
        value = int(ch) if ch.isdigit() else ord(ch) - 55 if "A" <= ch <= "Z" else 0
        total += value * (7, 3, 1)[index % 3]
    return str(total % 10)


def valid_emirates_id(value: str) -> bool:
    digits = normalise_identifier(value)
    return (
        len(digits) == 15
        and digits.isdigit()
        and digits.startswith("784")
        and luhn.is_valid(digits)
    )


def emirates_ids(text: str) -> list[str]:
    """Valid Emirates ID numbers in `text`, as 15 digits."""
    found = []
    for match in _EMIRATES_ID.finditer(text):
        digits = "784" + "".join(match.groups())
        if luhn.is_valid(digits) and digits not in found:
            found.append(digits)
    return found


def card_numbers(text: str) -> list[str]:
    """Luhn-valid card numbers (13 to 19 digits, spaces or dashes between groups) in `text`
    that are not Emirates ID numbers."""
    found = []
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        plausible = 13 <= len(digits) <= 19 and not digits.startswith("784")
        if plausible and luhn.is_valid(digits) and digits not in found:
            found.append(digits)
    return found


@dataclass(frozen=True)
class MachineZone:
    """A machine-readable zone whose check digits all agree."""

    format: str  # TD1 or TD3
    document_type: str  # P (passport), I or ID (identity card)
    issuer: str
    number: str
    optional: str  # TD1: the Emirates ID number on UAE cards
    birth_date: str  # YYMMDD
    expiry_date: str
    sex: str
    nationality: str
    surname: str
    given_names: str


def _digits(field: str) -> str:
    return field.translate(_AS_DIGIT)


def _letters(field: str) -> str:
    return field.translate(_AS_LETTER)


def _names(field: str) -> tuple[str, str]:
    surname, _, given = _letters(field).strip(_FILLER).partition("<<")
    return surname.replace(_FILLER, " ").strip(), given.replace(_FILLER, " ").strip()


def _clean(line: str) -> str:
    line = line.upper().replace(" ", "").replace("«", "<<").replace("‹", "<")
    return re.sub(r"[^A-Z0-9<]", "", line)


def read_zone(lines: list[str]) -> MachineZone | None:
    """The TD3 (two lines of 44) or TD1 (three of 30) zone among OCR lines, if its check
    digits agree; OCR confusions (O/0, I/1, S/5...) are undone by each position's kind."""
    cleaned = [_clean(line) for line in lines]
    cleaned = [line for line in cleaned if len(line) >= 25 and line.count("<") + sum(
        ch.isdigit() for ch in line) >= 5]  # fmt: skip
    for index in range(len(cleaned) - 1):
        first, second = cleaned[index], cleaned[index + 1]
        if first.startswith("P") and len(second) >= 42:
            zone = _td3(first.ljust(44, _FILLER)[:44], second.ljust(44, _FILLER)[:44])
            if zone:
                return zone
    for index in range(len(cleaned) - 2):
        zone = _td1(*(line.ljust(30, _FILLER)[:30] for line in cleaned[index : index + 3]))
        if zone:
            return zone
    return None


def _td3(line1: str, line2: str) -> MachineZone | None:
    number, number_check = line2[0:9], _digits(line2[9])
    birth, birth_check = _digits(line2[13:19]), _digits(line2[19])
    expiry, expiry_check = _digits(line2[21:27]), _digits(line2[27])
    personal, personal_check = line2[28:42], _digits(line2[42])
    composite = _digits(line2[43])
    fixed = number + number_check + line2[10:13] + birth + birth_check + line2[20]
    fixed += expiry + expiry_check + personal + personal_check
    checks = (
        check_digit(number) == number_check,
        check_digit(birth) == birth_check,
        check_digit(expiry) == expiry_check,
        check_digit(personal) == personal_check
        or (personal.strip(_FILLER) == "" and personal_check == "<"),
        check_digit(fixed[0:10] + fixed[13:20] + fixed[21:43]) == composite,
    )
    if not all(checks):
        return None
    surname, given = _names(line1[5:44])
    return MachineZone("TD3", "P", _letters(line1[2:5]), number.strip(_FILLER), "", birth,
                       expiry, line2[20], _letters(line2[10:13]), surname, given)  # fmt: skip


def _td1(line1: str, line2: str, line3: str) -> MachineZone | None:
    if line1[0] not in "ACI":
        return None
    number, number_check = line1[5:14], _digits(line1[14])
    optional = line1[15:30]
    birth, birth_check = _digits(line2[0:6]), _digits(line2[6])
    expiry, expiry_check = _digits(line2[8:14]), _digits(line2[14])
    composite = _digits(line2[29])
    upper = line1[5:30]
    checks = (
        check_digit(number) == number_check,
        check_digit(birth) == birth_check,
        check_digit(expiry) == expiry_check,
        check_digit(upper + birth + birth_check + expiry + expiry_check + line2[18:29])
        == composite,
    )
    if not all(checks):
        return None
    surname, given = _names(line3)
    return MachineZone("TD1", line1[0:2].strip(_FILLER), _letters(line1[2:5]),
                       number.strip(_FILLER), optional.strip(_FILLER), birth, expiry, line2[7],
                       _letters(line2[15:18]), surname, given)  # fmt: skip
