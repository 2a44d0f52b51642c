"""The desk answers a claimant from the dashboard, in a real browser: the claim's thread on
the item page and in the claims queue, the claimant's numbers hidden until approval, the
answer stored once and delivered to the claimant's app."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
from selenium import webdriver
from selenium.webdriver.common.by import By
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from mafqood.core.db import async_url
from tests import images
from tests.factories import Account
from tests.staff.conftest import screenshot
from tests.staff.helpers import create_venue, register, report_lost, sign_in, wait_until
from tests.venues.verification import DATABASE_URL


def _intake(api: httpx.Client, member: Account, venue_id: str) -> dict[str, Any]:
    entry = {
        "photo": "p0",
        "title": "Brown leather wallet",
        "category": "wallet",
        "storage_location": "Room A / shelf 1",
        "control_details": "Library card of Sara K.",
    }
    response = api.post(
        f"/api/v1/venues/{venue_id}/items",
        data={"items": json.dumps([entry])},
        files=[("p0", ("p0.jpg", images.jpeg(seed=8301), "image/jpeg"))],
        headers=member.headers,
    )
    assert response.status_code == 201, response.text
    item: dict[str, Any] = response.json()["results"][0]["item"]
    return item


async def _pair(lost_id: str, found_id: str) -> str:
    """The match the engine would propose (its own tests cover when it does)."""
    engine = create_async_engine(async_url(DATABASE_URL[0]), poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            match_id = await connection.scalar(
                text(
                    "INSERT INTO matches (user_item_id, matched_item_id, similarity_score, "
                    "confidence) VALUES (:lost, :found, 0.9, 'high') "
                    "ON CONFLICT (user_item_id, matched_item_id) "
                    "DO UPDATE SET similarity_score = 0.9 RETURNING id"
                ),
                {"lost": uuid.UUID(lost_id), "found": uuid.UUID(found_id)},
            )
    finally:
        await engine.dispose()
    return str(match_id)


def _thread_texts(api: httpx.Client, account: Account, thread_id: str) -> list[str | None]:
    response = api.get(f"/api/v1/threads/{thread_id}/messages", headers=account.headers)
    assert response.status_code == 200, response.text
    return [m["text"] for m in reversed(response.json()["messages"])]


def test_the_desk_answers_a_claimant_in_place(browser: webdriver.Chrome, live_url: str) -> None:
    api = httpx.Client(base_url=live_url, timeout=60)
    owner = register(api)
    venue = create_venue(api, owner)
    item = _intake(api, owner, venue["id"])
    claimant = register(api, full_name="Sara Khalid")
    claim = api.post(
        f"/api/v1/items/{item['id']}/claims",
        json={"answers": "A library card in my name"},
        headers=claimant.headers,
    ).json()
    thread = api.get(f"/api/v1/claims/{claim['id']}/thread", headers=claimant.headers).json()
    question = api.post(
        f"/api/v1/threads/{thread['id']}/messages",
        data={"text": "Can I come at 9? My number is 050 123 4567"},
        headers=claimant.headers,
    )
    assert question.status_code == 201, question.text

    sign_in(browser, live_url, owner)
    browser.get(f"{live_url}/staff/venues/{venue['id']}/items/{item['id']}")
    card = browser.find_element(By.ID, f"claim-{claim['id']}")
    shown = card.find_element(By.CSS_SELECTOR, ".message.theirs .text").text
    assert shown == "Can I come at 9? My number is •••"
    assert "4567" not in card.text
    box = card.find_element(By.ID, f"answer-{claim['id']}")
    box.send_keys("Yes, we open at 9. Please bring your ID.")
    card.find_element(By.CSS_SELECTOR, "form.answer button[type=submit]").click()
    ours = wait_until(
        lambda: browser.find_elements(By.CSS_SELECTOR, f"#claim-{claim['id']} .message.ours .text")
    )
    assert ours[0].text == "Yes, we open at 9. Please bring your ID."
    screenshot(browser, "en-claim-thread")
    assert _thread_texts(api, claimant, thread["id"]) == [
        "Can I come at 9? My number is 050 123 4567",
        "Yes, we open at 9. Please bring your ID.",
    ]
    # From the claims queue, in Arabic.
    browser.find_element(By.CSS_SELECTOR, "a.lang").click()
    wait_until(lambda: browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ar")
    browser.get(f"{live_url}/staff/venues/{venue['id']}/claims")
    card = browser.find_element(By.ID, f"claim-{claim['id']}")
    assert "الرسائل مع المُطالِب" in card.text
    card.find_element(By.ID, f"answer-{claim['id']}").send_keys("أهلًا، نراك الساعة التاسعة")
    # The same form sent twice (a double click, a resent form): one message. The first copy
    # goes with the browser's cookies from here, the second from the browser.
    form = card.find_element(By.CSS_SELECTOR, "form.answer")
    fields = {
        field.get_attribute("name"): field.get_attribute("value")
        for field in form.find_elements(By.CSS_SELECTOR, "input[type=hidden], textarea")
    }
    cookies = {cookie["name"]: cookie["value"] for cookie in browser.get_cookies()}
    first = httpx.post(
        str(form.get_attribute("action")),
        data=fields,
        cookies=cookies,
        headers={"Referer": browser.current_url},
    )
    assert first.status_code == 303, first.text
    card.find_element(By.CSS_SELECTOR, "form.answer button[type=submit]").click()
    wait_until(lambda: "/claims" in browser.current_url and "done=1" in browser.current_url)
    texts = _thread_texts(api, claimant, thread["id"])
    assert texts[-1] == "أهلًا، نراك الساعة التاسعة" and len(texts) == 3
    screenshot(browser, "ar-claims-queue-thread")


def test_the_desk_answers_a_matched_owner_on_the_item_page(
    browser: webdriver.Chrome, live_url: str
) -> None:
    api = httpx.Client(base_url=live_url, timeout=60)
    owner = register(api)
    venue = create_venue(api, owner)
    item = _intake(api, owner, venue["id"])
    loser = register(api, full_name="Huda Lost")
    lost = report_lost(api, loser, images.jpeg(seed=8302), title="Brown wallet", category="wallet")
    match_id = asyncio.run(_pair(lost["id"], item["id"]))
    thread = api.get(f"/api/v1/matches/{match_id}/thread", headers=loser.headers).json()
    asked = api.post(
        f"/api/v1/threads/{thread['id']}/messages",
        data={"text": "Is there a library card inside? huda@example.com"},
        headers=loser.headers,
    )
    assert asked.status_code == 201, asked.text

    sign_in(browser, live_url, owner)
    browser.get(f"{live_url}/staff/venues/{venue['id']}/items/{item['id']}")
    card = wait_until(lambda: browser.find_elements(By.ID, f"match-{match_id}"))[0]
    assert card.find_element(By.CSS_SELECTOR, ".message.theirs .text").text == (
        "Is there a library card inside? •••"
    )
    card.find_element(By.ID, f"answer-{match_id}").send_keys("Please file a claim first.")
    card.find_element(By.CSS_SELECTOR, "form.answer button[type=submit]").click()
    ours = wait_until(
        lambda: browser.find_elements(By.CSS_SELECTOR, f"#match-{match_id} .message.ours .text")
    )
    assert ours[0].text == "Please file a claim first."
    assert _thread_texts(api, loser, thread["id"])[-1] == "Please file a claim first."
