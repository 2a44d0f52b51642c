"""A venue's public pages in a real browser, in English and in Arabic: from the poster's QR
code to the venue's page, a search, a lost report without a photo confirmed by the mail's
link, a match with the desk's found item, the hidden details answered, the desk's approval
in the dashboard, and the status page saying the item is ready to collect."""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import Message
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import pypdfium2
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests import images
from tests.conftest import Mailbox, Servers
from tests.staff.conftest import screenshot
from tests.staff.helpers import create_venue, register, sign_in, text_of, wait_until
from tests.venues.helpers import entry, intake
from tests.workers import WorkerProcess, base_worker_env

DOCS_SCREENSHOTS = Path("docs/screenshots")
WORDS = {
    "en": {"ready": "Ready to collect", "sent": "Check your mail", "claim": "This is mine"},
    "ar": {"ready": "جاهز للاستلام", "sent": "تحقق من بريدك", "claim": "هذا لي"},
}


@pytest.fixture(scope="module")
def mail_worker(servers: Servers, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A general worker for this module's mails (stopped after it, so it never consumes
    other tests' queues)."""
    process = WorkerProcess(base_worker_env(servers), tmp_path_factory.mktemp("mail-worker"))
    process.start()
    yield
    process.stop()


def decode_qr(pdf: bytes) -> str:
    page = pypdfium2.PdfDocument(pdf)[0]
    pixels = np.array(page.render(scale=2).to_pil().convert("L"))
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(pixels)
    assert text, "no QR code on the poster"
    return str(text)


def mails_to(mailbox: Mailbox, address: str) -> list[Message]:
    return [m for m in mailbox.messages if m["To"] == address]


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


def subject_of(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def link_path(body: str, kind: str) -> str:
    found = re.search(rf"https?://[^\s/]+(/v/{kind}/[A-Za-z0-9_\-.]+)", body)
    assert found, body
    return found[1]


def keep(browser: webdriver.Chrome, name: str, language: str) -> None:
    screenshot(browser, f"public-{language}-{name}")
    if name in ("venue-phone", "status-ready"):
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(f".data/screenshots/public-{language}-{name}.png", DOCS_SCREENSHOTS)


def staff_cookies(browser: webdriver.Chrome) -> dict[str, str]:
    return {c["name"]: c["value"] for c in browser.get_cookies()}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_web_flow(
    browser: webdriver.Chrome, live_url: str, mailbox: Mailbox, mail_worker: None, language: str
) -> None:
    api = httpx.Client(base_url=live_url, timeout=60)
    owner = register(api)
    venue = create_venue(api, owner, name=f"Mirdif Mall {language}")
    # Something found earlier, with everything the public must not see.
    earlier = asyncio.run(
        _intake(
            live_url,
            owner,
            venue["id"],
            9301 if language == "en" else 9302,
            title="Passport of Huda Salem",
            category="documents",
            color="Green",
            location_detail="Gate 4",
            control_details="Visa page stamped in Muscat",
            storage_location="Safe 2",
        )
    )

    # The desk prints the poster; its QR code opens the venue's page.
    sign_in(browser, live_url, owner)
    browser.get(f"{live_url}/staff/venues/{venue['id']}/public")
    desk = httpx.Client(base_url=live_url, timeout=60, cookies=staff_cookies(browser))
    poster = desk.get(f"/staff/venues/{venue['id']}/poster.pdf?size=a5")
    assert poster.status_code == 200 and poster.content.startswith(b"%PDF")
    url = decode_qr(poster.content)
    assert url == f"{live_url}/v/{venue['id']}"
    browser.delete_all_cookies()
    browser.set_window_size(390, 900)  # a phone
    browser.get(url)
    if language == "ar":
        browser.find_element(By.CSS_SELECTOR, "a.lang").click()
        wait_until(lambda: browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ar")
    html = browser.find_element(By.TAG_NAME, "html")
    assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    listed = text_of(browser, ".found-list")
    assert "Green" in listed and "Gate 4" in listed
    page = browser.page_source
    for hidden in ("Huda", "Muscat", "Safe 2", earlier["tag_code"], '<img class="thumb"'):
        assert hidden not in page, hidden
    keep(browser, "venue-phone", language)

    # Search: by category, nothing of another category.
    Select(browser.find_element(By.ID, "s-category")).select_by_value("wallet")
    browser.find_element(By.CSS_SELECTOR, "form[role=search] button").click()
    wait_until(lambda: browser.find_elements(By.ID, "no-results"))

    # A lost report without a photo.
    email = f"web-{language}@example.com"
    browser.find_element(By.ID, "title").send_keys("Black leather wallet")
    browser.find_element(By.ID, "description").send_keys(
        "Black leather wallet with two bank cards and a photo of my cat"
    )
    Select(browser.find_element(By.ID, "category")).select_by_value("wallet")
    browser.find_element(By.ID, "color").send_keys("Black")
    browser.find_element(By.ID, "location_detail").send_keys("Food court")
    browser.execute_script(
        "arguments[0].value = arguments[1]",
        browser.find_element(By.ID, "date_time"),
        datetime.now(UTC).strftime("%Y-%m-%dT%H:%M"),
    )
    browser.find_element(By.ID, "full_name").send_keys("Omar <script>alert(1)</script>")
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.ID, "send-report").click()
    wait_until(lambda: browser.find_elements(By.ID, "sent"))
    assert WORDS[language]["sent"] in browser.find_element(By.TAG_NAME, "h1").text
    keep(browser, "sent", language)

    # Nothing exists until the mail's link is opened.
    mine = api.get("/api/v1/items", params={"type": "lost", "q": "leather wallet"}).json()
    assert all(item["title"] != "Black leather wallet" for item in mine.get("items", []))
    confirmation = wait_until(lambda: mails_to(mailbox, email), timeout=90)[0]
    body = body_of(confirmation)
    assert "<script>" in body  # mail is plain text: the name as typed
    browser.get(live_url + link_path(body, "confirm"))
    wait_until(lambda: browser.find_elements(By.ID, "confirmed"))
    assert "Black leather wallet" in text_of(browser, ".report .r-title")
    status_url = browser.current_url.split("?")[0]
    keep(browser, "status-confirmed", language)

    # The desk takes in the wallet with a description like the report's: a match.
    found = asyncio.run(
        _intake(
            live_url,
            owner,
            venue["id"],
            9303 if language == "en" else 9304,
            title="Black leather wallet",
            description="Black leather wallet, bank cards inside",
            category="wallet",
            color="Black",
            control_details="Two bank cards and a photo of a cat",
        )
    )

    def match_shown() -> bool:
        browser.get(status_url)
        return bool(browser.find_elements(By.CSS_SELECTOR, "section.match"))

    wait_until(match_shown, timeout=90)
    match_text = text_of(browser, "section.match")
    assert "Two bank cards and a photo of a cat" not in browser.page_source
    assert found["tag_code"] not in browser.page_source
    # The match mail, in the person's language, with the status link.
    wait_until(lambda: len(mails_to(mailbox, email)) >= 2, timeout=60)
    assert "/v/status/" in body_of(mails_to(mailbox, email)[-1])
    assert match_text

    # The hidden details answered: a claim in the desk's queue.
    form = browser.find_element(By.CSS_SELECTOR, "form.claim-form")
    form.find_element(By.TAG_NAME, "textarea").send_keys(
        "Two bank cards and a photo of my cat <b>bold</b>"
    )
    button = form.find_element(By.CSS_SELECTOR, "button")
    assert button.text == WORDS[language]["claim"]
    button.click()
    wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, ".claim-state.pending"))

    # The desk asks a question in the claim's thread: it comes by mail and on the page, and
    # the person answers there.
    queue = api.get(f"/api/v1/venues/{venue['id']}/claims", headers=owner.headers).json()
    claim_id = queue["claims"][0]["id"]
    thread = api.get(f"/api/v1/claims/{claim_id}/thread", headers=owner.headers).json()
    question = {"en": "Which bank are the cards from?", "ar": "من أي بنك البطاقات؟"}[language]
    asked = api.post(
        f"/api/v1/threads/{thread['id']}/messages", data={"text": question}, headers=owner.headers
    )
    assert asked.status_code == 201, asked.text
    wait_until(lambda: any(question in body_of(m) for m in mails_to(mailbox, email)), timeout=60)
    browser.get(status_url)
    assert question in text_of(browser, ".conversation .messages")
    reply = browser.find_element(By.CSS_SELECTOR, "form.message-form textarea")
    reply.send_keys("Emirates NBD <i>both</i>")
    browser.find_element(By.CSS_SELECTOR, "form.message-form button").click()
    wait_until(lambda: "done=sent" in browser.current_url)
    assert "Emirates NBD <i>both</i>" in text_of(browser, ".conversation .messages")
    keep(browser, "status-conversation", language)
    answers = api.get(f"/api/v1/threads/{thread['id']}/messages", headers=owner.headers).json()
    assert any(m["text"] == "Emirates NBD <i>both</i>" for m in answers["messages"])

    sign_in(browser, live_url, owner)
    browser.get(f"{live_url}/staff/venues/{venue['id']}/claims")
    claim_text = text_of(browser, "main")
    assert "Two bank cards and a photo of my cat <b>bold</b>" in claim_text  # text, not markup
    assert "Omar <script>alert(1)</script>" in claim_text
    browser.find_element(By.CSS_SELECTOR, "button[value=approve]").click()
    wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, ".notice.ok"))

    browser.get(status_url)
    ready = wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, ".claim-state.ready"))
    assert WORDS[language]["ready"] in ready[0].text
    assert venue["name"] in ready[0].text and "Daily 10:00-24:00" in ready[0].text
    keep(browser, "status-ready", language)
    # The decision and "ready to collect" by mail, in the person's language.
    ready_subject = {"en": "Ready to collect", "ar": "جاهز للاستلام"}[language]

    def ready_mail() -> list[Message]:
        return [m for m in mails_to(mailbox, email) if ready_subject in subject_of(m)]

    collect = body_of(wait_until(ready_mail, timeout=60)[0])
    assert "/v/status/" in collect and "Daily 10:00-24:00" in collect
    assert len(mails_to(mailbox, email)) >= 4  # confirmation, match, decision, ready
    if language == "ar":
        assert re.search("[\u0600-\u06ff]", collect)


async def _intake(base: str, owner: Any, venue_id: str, seed: int, **fields: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        response = await intake(
            client, owner, venue_id, [entry("p0", **fields)], {"p0": images.jpeg(seed=seed)}
        )
    assert response.status_code == 201, response.text
    [result] = response.json()["results"]
    assert result["created"], result
    item: dict[str, Any] = result["item"]
    return item
