"""A venue's public pages over HTTP: what they show and hide, the report form's bad input,
the honeypot, the one-time confirmation, signed status links (altered, expired, revoked),
claims only on one's own matches, the limits, and an app sign-up keeping a web report."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from structlog.testing import capture_logs

from mafqood.composition.container import Container
from mafqood.items.models import Item
from mafqood.lifecycle.models import Claim
from mafqood.messaging.models import Message
from mafqood.public import service
from mafqood.public.models import WebReport
from mafqood.users.models import User
from mafqood.users.weblinks import WEB_LINK_MAX_AGE
from mafqood.worker.app import SEND_MAIL
from mafqood.worker.outbox import OutboxJob
from tests.factories import PASSWORD, register
from tests.public.conftest import https_client
from tests.venues.helpers import create_venue, entry, intake, intake_one

FIELDS = {
    "title": "Black leather wallet",
    "description": "Black leather wallet with two bank cards and a photo of my cat",
    "category": "wallet",
    "color": "Black",
    "location": "Dubai Mall",
    "location_detail": "Food court",
    "date_time": (datetime.now(UTC) - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
    "full_name": "Omar Khalid",
    "email": "omar@example.com",
}


async def csrf_of(client: httpx.AsyncClient, path: str) -> str:
    page = await client.get(path)
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found
    return found[1]


async def send_report(client: httpx.AsyncClient, venue_id: str, **changes: Any) -> httpx.Response:
    csrf = await csrf_of(client, f"/v/{venue_id}")
    data = {**FIELDS, "csrf": csrf, **changes}
    return await client.post(
        f"/v/{venue_id}/report",
        data={k: v for k, v in data.items() if v is not None},
        headers={"Referer": f"https://test/v/{venue_id}"},
    )


async def mails(container: Container) -> list[dict[str, Any]]:
    async with container.sessionmaker() as session:
        rows = await session.scalars(
            select(OutboxJob).where(OutboxJob.task == SEND_MAIL).order_by(OutboxJob.available_at)
        )
        return [dict(job.payload) for job in rows]


def link_in(body: str, kind: str) -> str:
    found = re.search(rf"https?://[^\s/]+(/v/{kind}/[A-Za-z0-9_\-.]+)", body)
    assert found, body
    return found[1]


async def count(container: Container, model: Any) -> int:
    async with container.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def confirmed_report(
    client: httpx.AsyncClient, container: Container, venue_id: str, **changes: Any
) -> str:
    """A web report sent and confirmed: its status page's path."""
    sent = await send_report(client, venue_id, **changes)
    assert sent.status_code == 303 and sent.headers["location"].endswith("/sent"), sent.text
    confirm = link_in((await mails(container))[-1]["body"], "confirm")
    opened = await client.get(confirm)
    assert opened.status_code == 303, opened.text
    location: str = opened.headers["location"]
    assert location.startswith("/v/status/")
    return location.split("?")[0]


async def test_the_page_shows_only_what_the_venue_allows(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    hidden = {
        "control_details": "Visa page stamped in Muscat",
        "storage_location": "Safe 2",
    }
    passport = await intake_one(
        client, owner, venue["id"], title="Passport of Huda", category="documents", **hidden
    )
    await intake_one(
        client,
        owner,
        venue["id"],
        title="Red umbrella",
        category="other",
        color="Red",
        location_detail="Gate 4",
    )
    await intake_one(
        client,
        owner,
        venue["id"],
        title="Blue backpack",
        category="bag",
        color="Blue",
        description="Sticker <script>x</script>",
        **hidden,
    )
    page = (await client.get(f"/v/{venue['id']}")).text
    assert "Red" in page and "Gate 4" in page
    for secret in (
        "Muscat",
        "Safe 2",
        "Huda",
        "umbrella",
        "backpack",
        passport["tag_code"],
        "Mariam",
        "<img",
        "<script>x",
    ):
        assert secret not in page, secret

    # The owner shows titles and photos: still no photo of documents or of items with
    # hidden details, and never the finder, tag code or storage.
    changed = await client.patch(
        f"/api/v1/venues/{venue['id']}",
        json={"public_fields": ["category", "title"], "public_photos": True},
        headers=owner.headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["public_fields"] == ["category", "title"]
    page = (await client.get(f"/v/{venue['id']}")).text
    assert "Red umbrella" in page and "Gate 4" not in page
    assert page.count('<img class="thumb"') == 1  # the umbrella's only
    for secret in ("Muscat", "Safe 2", passport["tag_code"]):
        assert secret not in page, secret

    # A colour filter on a hidden field is ignored, so it tells nothing.
    filtered = (await client.get(f"/v/{venue['id']}", params={"color": "Blue"})).text
    assert "Red umbrella" in filtered

    refused = await client.patch(
        f"/api/v1/venues/{venue['id']}",
        json={"public_fields": ["storage_location"]},
        headers=owner.headers,
    )
    assert refused.status_code == 422 and refused.json()["code"] == "validation_error"
    staff = await register(client)
    stranger = await client.patch(
        f"/api/v1/venues/{venue['id']}", json={"public_photos": True}, headers=staff.headers
    )
    assert stranger.status_code == 404


async def test_pages_send_the_dashboards_policy_and_cookie_rules(
    client: httpx.AsyncClient,
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    page = await client.get(f"/v/{venue['id']}")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    cookie = page.headers["set-cookie"]
    assert "mafqood_csrf=" in cookie and "Path=/v" in cookie and "HttpOnly" in cookie
    assert "samesite=strict" in cookie.lower()


async def test_unknown_or_pending_venues_and_bad_search(client: httpx.AsyncClient) -> None:
    assert (await client.get(f"/v/{uuid.uuid4()}")).status_code == 404
    assert (await client.get("/v/not-a-uuid")).status_code == 422
    owner = await register(client)
    pending = await client.post(
        "/api/v1/venues", json={**(await _venue_body()), "name": "Pending"}, headers=owner.headers
    )
    assert (await client.get(f"/v/{pending.json()['id']}")).status_code == 404
    venue = await create_venue(client, owner)
    for query in ({"page": "6"}, {"page": "0"}, {"since": "yesterday"}, {"color": "x" * 51}):
        answer = await client.get(f"/v/{venue['id']}", params=query)
        assert answer.status_code == 422, (query, answer.status_code)
        if answer.headers["content-type"].startswith("application/json"):
            assert answer.json()["code"] == "validation_error"
        else:  # the page's own check: an error page, in the visitor's language
            assert 'role="alert"' in answer.text


async def _venue_body() -> dict[str, Any]:
    from tests.venues.helpers import venue_body

    body: dict[str, Any] = venue_body()
    return body


async def test_the_search_is_paged_and_capped(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    entries = [entry(f"p{n}", title=f"Item {n}", category="other") for n in range(10)]
    for _ in range(7):  # 70 items, in batches the intake allows
        response = await intake(client, owner, venue["id"], entries)
        assert response.status_code == 201
    first = (await client.get(f"/v/{venue['id']}")).text
    assert first.count('class="card found-item"') == service.PAGE_SIZE
    last = (await client.get(f"/v/{venue['id']}", params={"page": service.MAX_PAGE})).text
    assert 'rel="next"' not in last and 'id="capped"' in last


async def test_report_form_bad_input_writes_nothing(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    cases = [
        ({"title": ""}, "field.blank"),
        ({"email": "not-an-email"}, "field.value_error"),
        ({"date_time": "someday"}, None),
        ({"category": "spaceship"}, None),
        ({"title": "x" * 300}, None),
        ({"title": "nul\x00byte"}, None),
    ]
    for changes, code in cases:
        answer = await send_report(client, venue["id"], **changes)
        assert answer.status_code == 303, (changes, answer.text)
        location = answer.headers["location"]
        assert location.startswith(f"/v/{venue['id']}?error=field."), (changes, location)
        if code:
            assert location.endswith(code), location
    # Without its CSRF value: refused.
    forged = await client.post(f"/v/{venue['id']}/report", data={**FIELDS, "csrf": "forged"})
    assert forged.status_code == 403
    # A photo that is not one: refused on the form.
    csrf = await csrf_of(client, f"/v/{venue['id']}")
    bad_photo = await client.post(
        f"/v/{venue['id']}/report",
        data={**FIELDS, "csrf": csrf},
        files={"photo": ("x.jpg", b"not a photo", "image/jpeg")},
    )
    assert bad_photo.status_code == 415
    assert await count(container, WebReport) == 0
    assert await mails(container) == []


async def test_the_honeypot_stores_nothing(client: httpx.AsyncClient, container: Container) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    answer = await send_report(client, venue["id"], website="http://spam.example")
    assert answer.status_code == 303 and answer.headers["location"].endswith("/sent")
    assert await count(container, WebReport) == 0 and await mails(container) == []


async def test_confirmation_is_one_time_and_expires(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    sent = await send_report(client, venue["id"])
    assert sent.status_code == 303
    assert await count(container, Item) == 0  # nothing is a report before confirmation
    [mail] = await mails(container)
    assert mail["to"] == "omar@example.com"
    confirm = link_in(mail["body"], "confirm")
    assert (await client.get(confirm + "x")).status_code == 404
    # Opened twice at once: one report.
    first, second = await asyncio.gather(client.get(confirm), client.get(confirm))
    assert first.status_code == second.status_code == 303
    # Both lead to the same account's status (the links' payload; their signing time may
    # differ by a second).
    paths = [answer.headers["location"].split("?")[0] for answer in (first, second)]
    assert paths[0].rsplit(".", 2)[0] == paths[1].rsplit(".", 2)[0]
    for path in paths:
        assert (await client.get(path)).status_code == 200
    async with container.sessionmaker() as session:
        lost = list(await session.scalars(select(Item).where(Item.type == "lost")))
        assert len(lost) == 1 and lost[0].image_url is None
        user = await session.get(User, lost[0].user_id)
        assert user is not None and user.web_link_nonce and user.password_hash == "!web"
    # Another report whose link has expired.
    await send_report(client, venue["id"], title="Keys")
    async with container.sessionmaker() as session:
        await session.execute(
            update(WebReport)
            .where(WebReport.confirmed_at.is_(None))
            .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
        await session.commit()
    late = await client.get(link_in((await mails(container))[-1]["body"], "confirm"))
    assert late.status_code == 404 and "expired" in late.text
    async with container.sessionmaker() as session:
        assert await service.purge_unconfirmed(session) == 1
        await session.commit()
    assert await count(container, WebReport) == 1


async def test_status_links_altered_expired_revoked(
    client: httpx.AsyncClient, container: Container, app: FastAPI
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    status = await confirmed_report(client, container, venue["id"])
    with capture_logs() as logs:
        page = await client.get(status)
    assert page.status_code == 200 and "Black leather wallet" in page.text
    token = status.rsplit("/", 1)[1]
    # The access log never holds the link.
    [access] = [entry for entry in logs if entry["event"] == "request"]
    assert access["path"] == "/v/status/<secret>" and token not in str(logs)
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert (await client.get(f"/v/status/{altered}")).status_code == 404
    assert (await client.get("/v/status/garbage")).status_code == 404

    # A link signed long ago has expired.
    settings = container.settings
    user_id, nonce = URLSafeTimedSerializer(
        settings.signing_key(), salt="mafqood.web-status"
    ).loads(token)

    class PastSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - WEB_LINK_MAX_AGE - 60

    old = URLSafeTimedSerializer(
        settings.signing_key(), salt="mafqood.web-status", signer=PastSigner
    ).dumps([user_id, nonce])
    expired = await client.get(f"/v/status/{old}")
    assert expired.status_code == 404 and "expired" in expired.text

    # Revoked: every earlier link stops, a new one is mailed.
    csrf = await csrf_of(client, status)
    assert (await client.post(f"{status}/revoke", data={"csrf": "forged"})).status_code == 403
    assert (
        await client.post(f"/v/status/{altered}/revoke", data={"csrf": csrf})
    ).status_code == 404
    revoked = await client.post(f"{status}/revoke", data={"csrf": csrf})
    assert revoked.status_code == 200
    assert (await client.get(status)).status_code == 404
    fresh = link_in((await mails(container))[-1]["body"], "status")
    assert (await client.get(fresh)).status_code == 200


async def test_claims_only_on_ones_own_matches_and_limits(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    status = await confirmed_report(client, container, venue["id"])
    other = await intake_one(client, owner, venue["id"], title="Silver ring", category="jewelry")
    csrf = await csrf_of(client, status)
    refused = await client.post(
        f"{status}/claims/{other['id']}",
        data={"csrf": csrf, "answers": "It is mine"},
        headers={"Referer": f"https://test{status}"},
    )
    assert refused.status_code == 303 and "error=not_found" in refused.headers["location"]
    no_csrf = await client.post(f"{status}/claims/{other['id']}", data={"answers": "x"})
    assert no_csrf.status_code == 403

    # Reports per email address: the fourth of a day is refused, with Retry-After.
    for n in range(2):
        assert (await send_report(client, venue["id"], title=f"Item {n}")).status_code == 303
    limited = await send_report(client, venue["id"], title="One too many")
    assert limited.status_code == 303 and "error=rate_limited" in limited.headers["location"]
    assert int(limited.headers["retry-after"]) > 0
    assert await count(container, WebReport) == 3


async def test_limits_per_address(app: FastAPI, container: Container) -> None:
    async with https_client(app, ip="203.0.113.77") as client:
        owner = await register(client)
        venue = await create_venue(client, owner)
        answers = [
            (await client.get(f"/v/{venue['id']}")).status_code
            for _ in range(service.SEARCH_PER_IP.limit + 1)
        ]
        assert answers[:-1] == [200] * service.SEARCH_PER_IP.limit and answers[-1] == 429
    async with https_client(app, ip="203.0.113.78") as client:
        csrf = await csrf_of(client, f"/v/{venue['id']}")
        codes = []
        for n in range(service.REPORTS_PER_IP.limit + 1):
            sent = await client.post(
                f"/v/{venue['id']}/report",
                data={**FIELDS, "email": f"p{n}@example.com", "csrf": csrf},
            )
            codes.append(sent.status_code)
        assert codes[:-1] == [303] * service.REPORTS_PER_IP.limit and codes[-1] == 429


async def test_signing_up_in_the_app_keeps_the_web_report(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    status = await confirmed_report(client, container, venue["id"])
    # No password works on the account before the sign-up.
    login = await client.post("/auth/login", json={"email": FIELDS["email"], "password": PASSWORD})
    assert login.status_code == 401
    signed_up = await client.post(
        "/auth/register",
        json={"email": "Omar@Example.com", "password": PASSWORD, "full_name": "Omar Khalid"},
    )
    assert signed_up.status_code == 201, signed_up.text
    token = signed_up.json()["token"]
    mine = await client.get("/api/v1/history", headers={"Authorization": f"Bearer {token}"})
    assert mine.status_code == 200, mine.text
    lost = mine.json()["lost_items"]
    assert [entry["item"]["title"] for entry in lost] == ["Black leather wallet"]
    assert (await client.get(status)).status_code == 404  # the app is the way now
    again = await client.post(
        "/auth/register",
        json={"email": FIELDS["email"], "password": PASSWORD, "full_name": "Someone"},
    )
    assert again.status_code == 409
    # Deleting the account takes the address's web reports, confirmed or waiting, with it.
    await send_report(client, venue["id"], title="Keys")
    assert await count(container, WebReport) == 2
    deleted = await client.request(
        "DELETE",
        "/auth/users/me",
        json={"password": PASSWORD},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert deleted.status_code in (200, 204), deleted.text
    assert await count(container, WebReport) == 0


@pytest.mark.parametrize("language", ["en", "ar"])
async def test_the_confirmation_mail_is_in_the_pages_language(
    client: httpx.AsyncClient, container: Container, language: str
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    client.cookies.set("mafqood_lang", language, path="/v")
    await send_report(client, venue["id"])
    [mail] = await mails(container)
    arabic = bool(re.search("[\u0600-\u06ff]", mail["body"]))
    assert arabic == (language == "ar")
    client.cookies.clear()


async def test_what_people_typed_renders_as_text(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    await client.patch(
        f"/api/v1/venues/{venue['id']}",
        json={"public_fields": ["title", "color", "area"]},
        headers=owner.headers,
    )
    await intake_one(
        client,
        owner,
        venue["id"],
        title=attack,
        color="<b>x</b>",
        location_detail=attack,
        category="other",
    )
    status = await confirmed_report(
        client, container, venue["id"], title=attack, description=attack, full_name=attack
    )
    for path in (f"/v/{venue['id']}", status):
        page = (await client.get(path)).text
        assert "<script>alert" not in page and "<img src=x" not in page, path
        assert "&lt;script&gt;alert(" in page, path


async def test_a_lost_link_is_mailed_again_to_its_address_only(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    await confirmed_report(client, container, venue["id"])
    before = len(await mails(container))

    async def ask(email: str) -> httpx.Response:
        csrf = await csrf_of(client, f"/v/{venue['id']}")
        return await client.post(
            f"/v/{venue['id']}/link",
            data={"email": email, "csrf": csrf},
            headers={"Referer": f"https://test/v/{venue['id']}"},
        )

    for email in ("OMAR@example.com", "nobody@example.com", owner.email):
        answer = await ask(email)
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/v/{venue['id']}/sent?what=link"
    sent = (await mails(container))[before:]
    assert [mail["to"] for mail in sent] == ["omar@example.com"]  # app accounts sign in
    assert (await client.get(link_in(sent[0]["body"], "status"))).status_code == 200
    bad = await ask("not-an-address")
    assert "error=field.value_error" in bad.headers["location"]
    for _ in range(2):
        await ask("omar@example.com")
    limited = await ask("omar@example.com")
    assert "error=rate_limited" in limited.headers["location"]
    assert len((await mails(container))[before:]) == service.LINKS_PER_EMAIL.limit


async def test_messages_to_the_desk_only_on_ones_own_claims(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    status = await confirmed_report(client, container, venue["id"])
    other_status = await confirmed_report(
        client, container, venue["id"], email="huda@example.com", title="Keys"
    )
    found = await intake_one(client, owner, venue["id"], title="Wallet", category="wallet")
    async with container.sessionmaker() as session:
        omar = await session.scalar(select(User).where(User.email == "omar@example.com"))
        assert omar is not None
        claim = Claim(item_id=uuid.UUID(found["id"]), claimant_id=omar.id, answers="Mine")
        session.add(claim)
        await session.commit()
        claim_id = claim.id

    async def say(path: str, text: str, csrf: str | None = None) -> httpx.Response:
        csrf = csrf or await csrf_of(client, path)
        return await client.post(
            f"{path}/claims/{claim_id}/messages",
            data={"csrf": csrf, "text": text},
            headers={"Referer": f"https://test{path}"},
        )

    forged = await say(status, "Hello", csrf="forged")
    assert "error=csrf_failed" in forged.headers["location"]
    empty = await say(status, "   ")
    assert empty.status_code == 303 and "error=" in empty.headers["location"]
    stranger = await say(other_status, "It is mine too")
    assert "error=not_found" in stranger.headers["location"]
    sent = await say(status, "Cards from Emirates NBD <b>")
    assert sent.headers["location"].endswith("done=sent")
    async with container.sessionmaker() as session:
        bodies = list(await session.scalars(select(Message.body)))
    assert bodies == ["Cards from Emirates NBD <b>"]  # the desk reads it in its thread
