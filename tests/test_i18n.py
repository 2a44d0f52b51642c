"""Every text in both languages, once; every code the service can answer with has a text;
one Accept-Language rule for the API and the dashboard."""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import pytest
from starlette.requests import Request
from structlog.testing import capture_logs

import mafqood
from mafqood.composition.texts import CATALOGS, register_texts
from mafqood.core import i18n
from mafqood.core.config import Settings
from mafqood.documents import FIELDS as DOCUMENT_FIELDS
from mafqood.documents import KINDS as DOCUMENT_KINDS
from mafqood.items.schemas import AnalysisStatus, Category, ItemStatus
from mafqood.items.vocabulary import LOCATION_TYPES
from mafqood.lifecycle.schemas import ClaimStatusName, DisposalMethod, IdType
from mafqood.matching.schemas import Confidence
from mafqood.staff.cookies import LANGUAGE_COOKIE
from mafqood.staff.render import TEXTS_OF_EVIDENCE
from mafqood.staff.session import language_of
from mafqood.users.passwords import policy_violations
from mafqood.venues.models import PUBLIC_FIELDS
from mafqood.venues.schemas import Role

SOURCE = Path(mafqood.__file__).parent
TEMPLATES = SOURCE / "staff" / "templates"

register_texts(Settings(_env_file=None, environment="test", secret_key="x" * 40))  # type: ignore[call-arg]


def _texts() -> Iterator[tuple[str, i18n.Texts]]:
    for catalog in CATALOGS:
        for key, entry in catalog.items():
            if not isinstance(entry, i18n.SameAs):
                yield key, entry


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_text_is_in_english_and_arabic() -> None:
    for key, texts in _texts():
        assert set(texts) == set(i18n.SUPPORTED_LANGUAGES), key
        assert all(text.strip() for text in texts.values()), key
        assert _placeholders(texts["en"]) == _placeholders(texts["ar"]), key


def test_each_key_has_one_home() -> None:
    keys = [key for catalog in CATALOGS for key in catalog]
    assert len(keys) == len(set(keys)), sorted(k for k in set(keys) if keys.count(k) > 1)


def test_no_text_is_written_twice() -> None:
    seen: dict[tuple[str, str], str] = {}
    for key, texts in _texts():
        both = (texts["en"], texts["ar"])
        assert both not in seen, f"{key} says what {seen[both]} says: make it SameAs"
        seen[both] = key


def test_same_as_names_a_text() -> None:
    for catalog in CATALOGS:
        for key, entry in catalog.items():
            if isinstance(entry, i18n.SameAs):
                assert i18n.knows(entry.key), key


def test_registering_a_catalog_again_changes_nothing() -> None:
    before = dict(i18n.registered())
    register_texts(Settings(_env_file=None, environment="test", secret_key="x" * 40))  # type: ignore[call-arg]
    assert dict(i18n.registered()) == before


def test_two_texts_for_one_key_are_refused() -> None:
    with pytest.raises(ValueError, match="not_found"):
        i18n.register({"not_found": {"en": "Gone.", "ar": "غير موجود."}})


# What the code base answers with, found in its source: (call, argument position, keyword,
# the keys the literal there stands for). A key with {} in it is filled with the literal;
# a tuple of keys means any one of them will do.
def _app_errors() -> set[str]:
    """AppError and every class derived from it, wherever it is declared."""
    names = {"AppError"}
    classes = [
        node
        for path in SOURCE.rglob("*.py")
        for node in ast.walk(_parse(path))
        if isinstance(node, ast.ClassDef)
    ]
    while True:
        more = {c.name for c in classes if any(_name(b) in names for b in c.bases)} - names
        if not more:
            return names
        names |= more


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _literal(call: ast.Call, position: int, keyword: str | None) -> str | None:
    value: ast.expr | None = None
    if len(call.args) > position:
        value = call.args[position]
    for named in call.keywords:
        if keyword is not None and named.arg == keyword:
            value = named.value
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    return None


def _needed() -> Iterator[tuple[str, tuple[str, ...]]]:
    """(where, keys of which one must have a text) for every code in the source."""
    errors = _app_errors()
    rules: dict[str, tuple[int, str | None, tuple[tuple[str, ...], ...]]] = {
        **{name: (0, "code", (("{}",),)) for name in errors},
        "FieldError": (1, "reason", (("field.{}",),)),
        "PydanticCustomError": (0, None, (("field.{}",),)),
        # Forwarded as FieldError's reason, or as the code of an UnsupportedMedia.
        "PhotoError": (0, None, (("field.{}", "{}"),)),
        "TokenError": (0, None, (("{}",),)),
        "translate": (0, None, (("{}",),)),
        "notify": (3, "text_key", (("{}.title",), ("{}.message",))),
        "notify_all": (3, "text_key", (("{}.title",), ("{}.message",))),
        # The dashboard's refusals travel in its addresses (?error=code).
        "redirect": (-1, "error", (("{}",),)),
    }
    for path in sorted(SOURCE.rglob("*.py")):
        where = str(path.relative_to(SOURCE))
        for node in ast.walk(_parse(path)):
            if isinstance(node, ast.ClassDef) and node.name in errors:
                for statement in node.body:
                    if (
                        isinstance(statement, ast.Assign)
                        and [_name(t) for t in statement.targets] == ["code"]
                        and isinstance(statement.value, ast.Constant)
                    ):
                        yield f"{where}: {node.name}", (str(statement.value.value),)
            if isinstance(node, ast.Call) and (name := _name(node.func)) in rules:
                position, keyword, keys = rules[name]
                code = _literal(node, position if position >= 0 else 99, keyword)
                if code is not None:
                    for choice in keys:
                        yield f"{where}:{node.lineno}", tuple(k.format(code) for k in choice)


def test_every_code_in_the_source_has_a_text() -> None:
    found = list(_needed())
    assert len(found) > 150  # the scan still finds the codes
    missing = [(where, keys) for where, keys in found if not any(map(i18n.knows, keys))]
    assert not missing


def test_every_word_of_the_dashboard_has_a_text() -> None:
    # The dashboard's pages and the venues' public pages (templates/public).
    templates = "\n".join(t.read_text(encoding="utf-8") for t in TEMPLATES.rglob("*.html"))
    used = set(re.findall(r'l10n\.(?:t|message)\("([^"]+)"\s*[,)]', templates))
    assert len(used) > 100
    # Keys the templates put together from a value, and the values there can be.
    prefixes = set(re.findall(r'l10n\.t\("([^"]+)\."\s*~', templates))
    vocabularies = {
        "category": [*get_args(Category), "auto"],
        "status": get_args(ItemStatus),
        "analysis": get_args(AnalysisStatus),
        "confidence": get_args(Confidence),
        "claim": get_args(ClaimStatusName),
        "id_type": get_args(IdType),
        "role": get_args(Role),
        "location_type": LOCATION_TYPES,
        "disposal": get_args(DisposalMethod),
        "evidence": sorted(TEXTS_OF_EVIDENCE),
        # A message no longer shown.
        "thread": ["removed", "deleted"],
        "public.field": PUBLIC_FIELDS,
        "report.status": get_args(ItemStatus),
        "document.kind": [*DOCUMENT_KINDS, "unknown"],
        "document.field": DOCUMENT_FIELDS,
    }
    assert prefixes == set(vocabularies) - {"evidence"}
    used |= {f"{prefix}.{value}" for prefix, values in vocabularies.items() for value in values}
    assert sorted(key for key in used if not i18n.knows(key)) == []


def test_words_inside_other_texts_have_texts() -> None:
    reasons = {reason for p in ("", "a" * 80) for reason in policy_violations(p)}
    keys = [f"password.{reason}" for reason in reasons]
    keys += [f"venue.role.{role}" for role in get_args(Role)]
    keys += [f"notify.status.{status}" for status in get_args(ItemStatus)]
    keys += [f"notify.confidence.{level}" for level in get_args(Confidence)]
    assert len(reasons) == 5
    assert [key for key in keys if not i18n.knows(key)] == []


def test_an_unknown_code_fails_loudly_outside_production() -> None:
    with capture_logs() as logs, pytest.raises(i18n.MissingText):
        i18n.translate("no_such_code", "en")
    assert logs == [{"event": "text_missing", "code": "no_such_code", "log_level": "error"}]


def test_an_unknown_code_reads_invalid_value_in_production(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(i18n, "_refuse_missing", False)
    with capture_logs() as logs:
        assert i18n.translate("no_such_code", "ar") == "قيمة غير صالحة."
        assert i18n.translate("no_such_code", "en") == "Invalid value."
    assert len(logs) == 2


def test_a_known_code_reads_as_before() -> None:
    assert i18n.translate("field.int_type", "ar") == "يجب أن يكون عددًا صحيحًا."
    assert i18n.translate("field.enum", "en", expected="'a' or 'b'") == (
        "Must be one of: 'a' or 'b'."
    )
    assert i18n.translate("image_too_large", "en", max_mb=10) == "The photo is larger than 10 MB."


def _request(accept_language: str | None = None, cookie: str | None = None) -> Request:
    headers = []
    if accept_language is not None:
        headers.append((b"accept-language", accept_language.encode()))
    if cookie is not None:
        headers.append((b"cookie", f"{LANGUAGE_COOKIE}={cookie}".encode()))
    return Request({"type": "http", "headers": headers})


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("ar-AE,ar;q=0.9,en;q=0.5", "ar"),
        ("fr-FR, ar;q=0.8", "ar"),
        ("en;q=0.3, ar;q=0.7", "ar"),
        ("ar;q=0, en", "en"),
        ("arn", "en"),
        ("fr", "en"),
        (None, "en"),
    ],
)
def test_dashboard_and_api_read_accept_language_alike(header: str | None, language: str) -> None:
    assert language_of(_request(header)) == language
    assert i18n.request_language(_request(header)) == language


def test_the_dashboards_switch_wins_over_the_browser() -> None:
    assert language_of(_request("ar", cookie="en")) == "en"
    assert language_of(_request("en", cookie="ar")) == "ar"
    assert language_of(_request("ar", cookie="fr")) == "ar"
