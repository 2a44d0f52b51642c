"""Server-rendered pages: Jinja2 with autoescaping (every value a member or a visitor typed is
text, never markup), English or Arabic (right to left), localised dates and numbers, and a
Content-Security-Policy that allows only this origin's own stylesheet, script and images."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from mafqood.core.i18n import Language, knows, translate
from mafqood.staff.session import apply_cookies, csrf_token, language_of
from mafqood.staff.targets import safe_target

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def security_headers(request: Request) -> dict[str, str]:
    """Only this origin's own script, stylesheet and images, plus the photo storage's origin
    when photos are served from elsewhere (an S3 bucket or a CDN)."""
    photos = urlsplit(request.app.state.container.storage.url("photo"))
    images = "'self' data: blob:" + (f" {photos.scheme}://{photos.netloc}" if photos.netloc else "")
    policy = (
        f"default-src 'none'; script-src 'self'; style-src 'self'; img-src {images}; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )
    return {
        "Content-Security-Policy": policy,
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store",
    }


TEXTS_OF_EVIDENCE = frozenset(
    (
        "visual_similarity",
        "text_similarity",
        "category_match",
        "color_match",
        "location_nearby",
        "distance_km",
        "hours_apart",
        "document_evidence",
    )
)

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
# A fresh id for a form that must not act twice (a message's client_id): a second click or a
# reload of the posted form sends the same id.
environment.globals["new_id"] = lambda: str(uuid.uuid4())


class Localiser:
    """What templates call to say things in the page's language."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self.dir = "rtl" if language == "ar" else "ltr"

    def t(self, key: str, **params: Any) -> str:
        return translate(key, self.language, **params)

    def message(self, code: str, **params: Any) -> str:
        """A refusal's text by its code. The code may come from the page's address, so an
        unknown one reads "invalid value" rather than failing the page."""
        return translate(code if knows(code) else "field.invalid", self.language, **params)

    def when(self, value: datetime | None) -> str:
        if value is None:
            return "—"
        return format_datetime(value, "medium", locale=self.language)

    def day(self, value: datetime | None) -> str:
        if value is None:
            return "—"
        return format_date(value, "medium", locale=self.language)

    def number(self, value: float | int | None, digits: int = 0) -> str:
        if value is None:
            return "—"
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.language)

    def evidence(self, features: dict[str, Any] | None) -> list[tuple[str, str]]:
        """What agreed between two reports, as (label, value) rows a person can read."""
        rows: list[tuple[str, str]] = []
        for key, value in (features or {}).items():
            if value is None or key not in TEXTS_OF_EVIDENCE:
                continue
            if isinstance(value, bool):
                shown = "✓" if value else "✗"
            elif key.endswith("_similarity"):
                shown = self.percent(float(value))
            elif key == "distance_km":
                shown = self.t("unit.km", value=self.number(float(value), 1))
            elif key == "hours_apart":
                shown = self.t("unit.hours", value=self.number(float(value), 1))
            elif key == "document_evidence" and value in {"identifier", "name"}:
                shown = self.t(f"evidence.document.{value}")
            else:
                continue
            rows.append((self.t(f"evidence.{key}"), shown))
        proof = (features or {}).get("verification", {})
        if isinstance(proof, dict) and isinstance(proof.get("inliers"), int):
            shown = self.number(proof["inliers"])
            if proof.get("model") == "epipolar":
                shown += " · " + self.t("evidence.turned")
            rows.append((self.t("evidence.inliers"), shown))
        if isinstance(proof, dict) and isinstance(proof.get("view_pairs"), int):
            verified = self.number(proof.get("view_pairs_verified") or 0)
            pairs = self.number(proof["view_pairs"])
            rows.append((self.t("evidence.views"), self.t("unit.of", part=verified, whole=pairs)))
        return rows

    def percent(self, value: float | None) -> str:
        if value is None:
            return "—"
        return format_percent(value, locale=self.language)


def page(
    request: Request,
    template: str,
    status_code: int = 200,
    *,
    language: Language | None = None,
    **context: Any,
) -> HTMLResponse:
    settings = request.app.state.settings
    language = language or language_of(request)
    # A form's refusal comes back as ?error=code: only known codes have a text (anything
    # else reads "invalid value"), so nothing from the address is shown as given.
    context.setdefault("error", request.query_params.get("error"))
    context.setdefault("done", request.query_params.get("done"))
    body = environment.get_template(template).render(
        request=request,
        l10n=Localiser(language),
        csrf=csrf_token(request),
        path=request.url.path,
        **context,
    )
    response = HTMLResponse(body, status_code=status_code, headers=security_headers(request))
    apply_cookies(request, response, settings)
    return response


def redirect(request: Request, url: str, **query: str) -> Response:
    """After a form: back to a page (303, so a reload does not post again). Only ever to a
    page of the dashboard, whoever chose the address."""
    return redirect_to(request, safe_target(request, url), **query)


def redirect_to(request: Request, path: str, **query: str) -> Response:
    """A 303 to a path the caller has checked is one of this service's pages."""
    url = f"{path}?{urlencode(query)}" if query else path
    response = RedirectResponse(url, status_code=303, headers=security_headers(request))
    apply_cookies(request, response, request.app.state.settings)
    return response
