"""The dashboard's pages and forms over HTTP (the browser tests cover the flows on screen):
sign-in and sign-out, language, invitations, members, disposal, errors."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote, urljoin, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from PIL import Image
from sqlalchemy import update

from mafqood.composition.container import Container
from mafqood.venues.models import VenueMember
from tests import images
from tests.factories import Account, item_form, register, wait_for
from tests.venues.claim_helpers import file_claim
from tests.venues.helpers import add_member, create_venue, intake_one, invite_owner
from tests.venues.test_retention import backdate


@pytest.fixture
async def web(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-keeping client on https (the session cookies are Secure outside development)."""
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="https://test") as http:
        yield http


def _csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


async def _sign_in(web: httpx.AsyncClient, account: Account) -> str:
    page = await web.get("/staff/login")
    csrf = _csrf(page)
    signed = await web.post(
        "/staff/login",
        data={"email": account.email, "password": account.password, "csrf": csrf},
    )
    assert signed.status_code == 303, signed.text
    return csrf


async def test_sign_in_errors_language_and_sign_out(
    client: httpx.AsyncClient, web: httpx.AsyncClient
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    page = await web.get("/staff/login")
    wrong = await web.post(
        "/staff/login",
        data={"email": owner.email, "password": "not-it-at-all", "csrf": _csrf(page)},
    )
    assert wrong.status_code == 303 and "error=invalid_credentials" in wrong.headers["location"]
    shown = await web.get(wrong.headers["location"])
    assert "Incorrect email or password." in shown.text

    anonymous = await web.get(f"/staff/venues/{venue['id']}")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/staff/login?next=")

    await _sign_in(web, owner)
    home = await web.get("/staff/")
    assert home.status_code == 303 and home.headers["location"] == f"/staff/venues/{venue['id']}"
    arabic = await web.get("/staff/language/ar", params={"next": f"/staff/venues/{venue['id']}"})
    assert arabic.headers["location"] == f"/staff/venues/{venue['id']}"
    inventory = await web.get(arabic.headers["location"])
    assert '<html lang="ar" dir="rtl">' in inventory.text and "المخزون" in inventory.text
    elsewhere = await web.get("/staff/language/en", params={"next": "https://evil.example/"})
    assert elsewhere.headers["location"] == "/staff/"

    # Signing out ends the login: the old session cookie no longer opens a page.
    kept = {"cookie": f"mafqood_staff={web.cookies.get('mafqood_staff')}"}
    path = f"/staff/venues/{venue['id']}"
    assert (await client.get(path, headers=kept)).status_code == 200
    out = await web.post("/staff/logout", data={"csrf": _csrf(inventory)})
    assert out.status_code == 303
    again = await client.get(path, headers=kept)
    assert again.status_code == 303 and "/staff/login" in again.headers["location"]


async def test_owner_invites_staff_may_not_and_invitation_accepted(
    client: httpx.AsyncClient, web: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    staff = await add_member(client, container, venue["id"])
    await _sign_in(web, staff)
    members = await web.get(f"/staff/venues/{venue['id']}/members")
    assert members.status_code == 200 and 'name="email"' not in members.text
    refused = await web.post(
        f"/staff/venues/{venue['id']}/invitations",
        data={"email": "someone@example.com", "role": "owner", "csrf": _csrf(members)},
        headers={"referer": f"https://test/staff/venues/{venue['id']}/members"},
    )
    assert refused.status_code == 303 and "error=venue_owner_only" in refused.headers["location"]

    web.cookies.clear()
    await _sign_in(web, owner)
    members = await web.get(f"/staff/venues/{venue['id']}/members")
    invitee = await register(client)
    sent = await web.post(
        f"/staff/venues/{venue['id']}/invitations",
        data={"email": invitee.email, "role": "staff", "csrf": _csrf(members)},
    )
    assert sent.status_code == 303 and "done=1" in sent.headers["location"]
    listed = await web.get(sent.headers["location"])
    assert invitee.email in listed.text

    # The invitee follows the mailed link: signed out first, back to the link after.
    async with container.sessionmaker() as session:
        from sqlalchemy import update

        from mafqood.users.tokens import hash_token
        from mafqood.venues.models import VenueInvitation

        await session.execute(
            update(VenueInvitation)
            .where(VenueInvitation.email == invitee.email)
            .values(token_hash=hash_token("known-token-for-the-test"))
        )
        await session.commit()
    web.cookies.clear()
    link = await web.get("/staff/invitations/accept", params={"token": "known-token-for-the-test"})
    assert link.status_code == 303
    assert "token%3Dknown-token-for-the-test" in link.headers["location"]
    await _sign_in(web, invitee)
    page = await web.get("/staff/invitations/accept", params={"token": "known-token-for-the-test"})
    accepted = await web.post(
        "/staff/invitations/accept",
        data={"token": "known-token-for-the-test", "csrf": _csrf(page)},
    )
    assert accepted.status_code == 303
    assert accepted.headers["location"] == f"/staff/venues/{venue['id']}"


async def test_intake_form_takes_phone_sized_photos(
    client: httpx.AsyncClient, web: httpx.AsyncClient
) -> None:
    """Two 2-4 MB photos in one form: over the small body limit of other pages, within the
    desk intake's."""
    owner = await register(client)
    venue = await create_venue(client, owner)
    await _sign_in(web, owner)
    form = await web.get(f"/staff/venues/{venue['id']}/intake")
    noise = [Image.frombytes("RGB", (1600, 1200), os.urandom(1600 * 1200 * 3)) for _ in range(2)]
    photos = [images.encode(picture, "JPEG", quality=90) for picture in noise]
    assert all(len(photo) > 2**20 for photo in photos)
    posted = await web.post(
        f"/staff/venues/{venue['id']}/intake",
        data={"csrf": _csrf(form), "title_0": "Camera", "title_1": "Tablet"},
        files={f"photo_{i}": (f"p{i}.jpg", photo, "image/jpeg") for i, photo in enumerate(photos)},
    )
    assert posted.status_code == 200, posted.text[:300]
    assert posted.text.count('class="ok"') == 2


async def test_intake_form_shows_a_failed_last_row(
    client: httpx.AsyncClient, web: httpx.AsyncClient
) -> None:
    """The last row's failure (its transaction rolled back) still shows the page, with the
    row before it created."""
    owner = await register(client)
    venue = await create_venue(client, owner)
    await _sign_in(web, owner)
    form = await web.get(f"/staff/venues/{venue['id']}/intake")
    posted = await web.post(
        f"/staff/venues/{venue['id']}/intake",
        data={"csrf": _csrf(form), "title_0": "Camera", "title_1": "Tablet"},
        files={
            "photo_0": ("p0.jpg", images.jpeg(seed=4242), "image/jpeg"),
            "photo_1": ("p1.jpg", b"not a photo", "image/jpeg"),
        },
    )
    assert posted.status_code == 200, posted.text[:300]
    assert posted.text.count('class="ok"') == 1 and posted.text.count('class="error"') == 1
    assert venue["name"] in posted.text


async def test_disposal_queue_and_error_pages(
    client: httpx.AsyncClient, web: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    item = await intake_one(client, owner, venue["id"], category="documents", title="Passport")
    await backdate(container, item["id"], 40)
    await _sign_in(web, owner)
    queue = await web.get(f"/staff/venues/{venue['id']}/disposals")
    assert "Passport" in queue.text
    disposed = await web.post(
        f"/staff/venues/{venue['id']}/items/{item['id']}/disposal",
        data={
            "method": "police",
            "notes": "Al Barsha station, receipt 2026/4471",
            "csrf": _csrf(queue),
        },
    )
    assert disposed.status_code == 303
    after = await web.get(disposed.headers["location"])
    assert "Passport" not in after.text
    detail = await client.get(
        f"/api/v1/venues/{venue['id']}/items/{item['id']}", headers=owner.headers
    )
    assert detail.json()["status"] == "closed"

    # Another venue's page: the same error page as a missing one, in the member's language.
    other = await register(client)
    await create_venue(client, other, name="Mall of the Emirates")
    web.cookies.clear()
    await _sign_in(web, other)
    await web.get("/staff/language/ar")
    missing = await web.get(f"/staff/venues/{venue['id']}/items/{item['id']}")
    assert missing.status_code == 404
    assert "غير موجود" in missing.text and "Passport" not in missing.text
    assert missing.headers["content-security-policy"].startswith("default-src 'none'")


async def test_policy_allows_photos_from_the_bucket(s3_client: httpx.AsyncClient) -> None:
    """With photos in an S3 bucket behind a CDN (another origin), the pages may show them,
    and take nothing else from there."""
    page = await s3_client.get("/staff/login")
    policy = page.headers["content-security-policy"]
    assert "img-src 'self' data: blob: https://cdn.mafqood.test;" in policy
    assert policy.count("cdn.mafqood.test") == 1


HOSTILE_TARGETS = (
    "https://evil.example/x",
    "http://evil.example",
    "//evil.example/x",
    "///evil.example/x",
    "/\\evil.example/x",
    "\\\\evil.example/x",
    "/%5Cevil.example",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "https:evil.example",
    "https:/evil.example/staff/",
    "javascript:alert(1)",
    "http://test/staff/",  # this host, another scheme
    "https://test.evil.example/staff/",
    "https://test@evil.example/staff/",
    "https://evil.example/staff/",
    "/staff/../evil",
    "/staff/%2e%2e/%2e%2e/evil",
    "/staff/..%2F..%2Fevil",
    "/staff/%252e%252e/evil",
    "/staff//evil.example",
    "/staff/\\evil.example",
    "/\t/evil.example",
    "/staff/\r\nSet-Cookie: a=b",
    "/api/v1/venues",
    "/staffing",
    "/",
)


def _lands_on_staff(response: httpx.Response) -> str:
    assert response.status_code in (303, 403), response.text[:300]
    if response.status_code == 403:  # shown as an error page, not sent anywhere
        return ""
    location = response.headers["location"]
    landed = urlsplit(urljoin("https://test/staff/login", location))
    assert "\\" not in location and location.startswith("/staff"), location
    assert (landed.scheme, landed.netloc) == ("https", "test"), location
    assert landed.path == "/staff" or landed.path.startswith("/staff/"), location
    assert ".." not in unquote(landed.path) and "//" not in landed.path, location
    return location


async def test_refused_forms_go_back_only_to_dashboard_pages(
    client: httpx.AsyncClient, web: httpx.AsyncClient
) -> None:
    # No CSRF value: refused, and sent back to whatever page the request names.
    for target in HOSTILE_TARGETS:
        by_query = await web.post("/staff/login", params={"back": target}, data={})
        assert _lands_on_staff(by_query) == "/staff/?error=csrf_failed", target
        if "\r" in target or "\n" in target:
            continue  # not a header value a client can send
        for header in ("X-Back", "x-back"):
            by_header = await web.post("/staff/login", headers={header: target}, data={})
            assert _lands_on_staff(by_header) == "/staff/?error=csrf_failed", target
        by_referer = await web.post("/staff/login", headers={"Referer": target}, data={})
        assert _lands_on_staff(by_referer) == "", target
        # A hostile back is not rescued by a good Referer's absence, nor the reverse.
        both = await web.post(
            "/staff/login",
            params={"back": target},
            headers={"Referer": "https://test/staff/venues?all=1"},
            data={},
        )
        assert _lands_on_staff(both) == "/staff/venues?error=csrf_failed", target

    # The dashboard's own pages still work as targets.
    own = await web.post("/staff/login", params={"back": "/staff/venues/x/members?a=1"}, data={})
    assert own.headers["location"] == "/staff/venues/x/members?error=csrf_failed"
    framed = await web.post("/staff/login", headers={"X-Back": "https://test/staff/x"}, data={})
    assert framed.headers["location"] == "/staff/x?error=csrf_failed"

    # `next` of the sign-in and of the language switch, before and after signing in.
    owner = await register(client)
    for target in HOSTILE_TARGETS:
        assert _lands_on_staff(await web.get("/staff/language/ar", params={"next": target})) == (
            "/staff/"
        )
        shown = await web.get("/staff/login", params={"next": target})
        assert 'name="next" value="/staff/"' in shown.text, target
    page = await web.get("/staff/login")
    signed = await web.post(
        "/staff/login",
        data={
            "email": owner.email,
            "password": owner.password,
            "csrf": _csrf(page),
            "next": "//evil.example/staff/",
        },
    )
    assert _lands_on_staff(signed) == "/staff/"
    for target in HOSTILE_TARGETS:
        again = await web.get("/staff/login", params={"next": target})
        assert _lands_on_staff(again) == "/staff/", target


async def test_dashboard_refuses_invitations_whose_sender_lost_the_role(
    client: httpx.AsyncClient, web: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    removed = await add_member(client, container, venue["id"], role="owner")
    demoted = await add_member(client, container, venue["id"], role="owner")
    by_removed = await invite_owner(client, container, venue["id"], removed, "dash-removed")
    by_demoted = await invite_owner(client, container, venue["id"], demoted, "dash-demoted")

    await _sign_in(web, owner)
    members = await web.get(f"/staff/venues/{venue['id']}/members")
    gone = await web.post(
        f"/staff/venues/{venue['id']}/members/{removed.id}/remove",
        data={"csrf": _csrf(members)},
    )
    assert gone.status_code == 303 and "done=1" in gone.headers["location"]
    async with container.sessionmaker() as session:
        await session.execute(
            update(VenueMember)
            .where(VenueMember.user_id == uuid.UUID(demoted.id))
            .values(role="staff")
        )
        await session.commit()

    for invitee, token in ((by_removed, "dash-removed"), (by_demoted, "dash-demoted")):
        web.cookies.clear()
        await _sign_in(web, invitee)
        page = await web.get("/staff/invitations/accept", params={"token": token})
        refused = await web.post(
            "/staff/invitations/accept", data={"token": token, "csrf": _csrf(page)}
        )
        assert refused.status_code == 400, refused.text[:300]
        assert "This invitation is not valid" in refused.text
        mine = await client.get("/api/v1/venues", headers=invitee.headers)
        assert mine.json()["venues"] == []


async def test_a_match_with_a_lost_report_without_a_photo_shows_its_words(
    client: httpx.AsyncClient, web: httpx.AsyncClient
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    item = await intake_one(client, owner, venue["id"])
    loser = await register(client)
    when = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    described = await client.post(
        "/api/v1/lost/described",
        data=item_form(
            title="My wallet",
            description="Black leather wallet, two bank cards inside",
            category="wallet",
            brand=None,
            date_time=when,
        ),
        headers=loser.headers,
    )
    assert described.status_code == 201, described.text
    await _sign_in(web, owner)

    async def shown() -> str | None:
        page = await web.get(f"/staff/venues/{venue['id']}/items/{item['id']}")
        return page.text if "two bank cards inside" in page.text else None

    page = await wait_for(shown)
    assert 'src="None"' not in page and "<blockquote>" in page


async def test_only_the_venues_members_answer_its_threads(
    client: httpx.AsyncClient, web: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    item = await intake_one(client, owner, venue["id"])
    claimant = await register(client)
    claim = await file_claim(client, claimant, item["id"])
    other = await register(client)
    other_venue = await create_venue(client, other, name="Mall of the Emirates")
    await _sign_in(web, other)
    page = await web.get(f"/staff/venues/{other_venue['id']}")
    for venue_id in (venue["id"], other_venue["id"]):
        for subject in (f"claims/{claim['id']}", f"matches/{uuid.uuid4()}"):
            refused = await web.post(
                f"/staff/venues/{venue_id}/{subject}/messages",
                data={"text": "Bring your ID", "csrf": _csrf(page)},
            )
            assert refused.status_code == 404, refused.text
    # The venue's own member: a blank or overlong answer comes back to the page with its error.
    web.cookies.clear()
    await _sign_in(web, owner)
    item_page = await web.get(f"/staff/venues/{venue['id']}/items/{item['id']}")
    url = f"/staff/venues/{venue['id']}/claims/{claim['id']}/messages"
    back = {"Referer": f"https://test/staff/venues/{venue['id']}/items/{item['id']}"}
    for text, code in (("   ", "field.missing"), ("x" * 4001, "field.string_too_long")):
        answer = await web.post(url, data={"text": text, "csrf": _csrf(item_page)}, headers=back)
        assert answer.status_code == 303 and f"error={code}" in answer.headers["location"]
        shown = await web.get(answer.headers["location"])
        assert shown.status_code == 200 and "notice error" in shown.text
    thread = await client.get(f"/api/v1/claims/{claim['id']}/thread", headers=claimant.headers)
    assert thread.json()["last_seq"] == 0
