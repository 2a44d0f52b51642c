"""The desk's side of the public page: owners choose what it shows, members print the
poster; other members and strangers cannot, and bad input changes nothing."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from mafqood.composition.container import Container
from tests.factories import Account, register
from tests.public.conftest import https_client
from tests.venues.helpers import add_member, create_venue


@asynccontextmanager
async def signed_in(
    app: FastAPI, account: Account, ip: str
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    async with https_client(app, ip=ip) as web:
        page = await web.get("/staff/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf
        signed = await web.post(
            "/staff/login",
            data={"email": account.email, "password": account.password, "csrf": csrf[1]},
        )
        assert signed.status_code == 303, signed.text
        yield web, csrf[1]


async def test_owners_choose_what_the_page_shows(
    client: httpx.AsyncClient, container: Container, app: FastAPI
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    staff = await add_member(client, container, venue["id"])
    path = f"/staff/venues/{venue['id']}/public"
    async with signed_in(app, owner, "203.0.113.21") as (web, csrf):
        page = await web.get(path)
        assert page.status_code == 200 and f"/v/{venue['id']}" in page.text
        saved = await web.post(
            path, data={"csrf": csrf, "fields": ["title", "area"], "photos": "on"}
        )
        assert saved.status_code == 303 and "done=1" in saved.headers["location"]
        bad = await web.post(
            path, data={"csrf": csrf, "fields": ["storage_location"]}, headers={"Referer": path}
        )
        assert bad.status_code == 303 and "error=field." in bad.headers["location"]
        forged = await web.post(path, data={"csrf": "forged", "fields": ["title"]})
        assert forged.status_code == 403
    shown = (await client.get(f"/api/v1/venues/{venue['id']}", headers=owner.headers)).json()
    assert shown["public_fields"] == ["title", "area"] and shown["public_photos"] is True

    async with signed_in(app, staff, "203.0.113.22") as (web, csrf):
        assert (await web.get(path)).status_code == 200  # staff see it, disabled
        refused = await web.post(path, data={"csrf": csrf, "fields": ["category"]})
        assert refused.status_code == 403
        poster = await web.get(f"/staff/venues/{venue['id']}/poster.pdf")
        assert poster.status_code == 200 and poster.content.startswith(b"%PDF")
        assert poster.headers["content-type"] == "application/pdf"
        assert (await web.get(f"/staff/venues/{venue['id']}/poster.pdf?size=a3")).status_code == 422
    shown = (await client.get(f"/api/v1/venues/{venue['id']}", headers=owner.headers)).json()
    assert shown["public_fields"] == ["title", "area"]

    stranger = await register(client)
    async with signed_in(app, stranger, "203.0.113.23") as (web, csrf):
        for url in (path, f"/staff/venues/{venue['id']}/poster.pdf"):
            assert (await web.get(url)).status_code == 404
        assert (await web.post(path, data={"csrf": csrf, "fields": ["title"]})).status_code == 404
    anonymous = await client.get(f"/staff/venues/{venue['id']}/poster.pdf")
    assert anonymous.status_code == 303 and "/staff/login" in anonymous.headers["location"]
