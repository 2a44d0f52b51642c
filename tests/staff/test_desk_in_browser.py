"""The venue desk in a real browser: the whole flow in English and in Arabic, another
venue's staff, stored XSS, CSRF and the page's security headers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests import images
from tests.staff.conftest import screenshot
from tests.staff.helpers import create_venue, register, report_lost, sign_in, text_of, wait_until

LABELS = {
    "en": {"inventory": "Inventory", "intake": "Receive items", "approve": "Approve"},
    "ar": {"inventory": "المخزون", "intake": "استلام الأغراض", "approve": "موافقة"},
}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_desk_flow(browser: webdriver.Chrome, live_url: str, tmp_path: Path, language: str) -> None:
    api = httpx.Client(base_url=live_url, timeout=60)
    owner = register(api)
    venue = create_venue(api, owner)
    sign_in(browser, live_url, owner)
    if language == "ar":
        browser.find_element(By.CSS_SELECTOR, "a.lang").click()
        wait_until(lambda: browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ar")
    html = browser.find_element(By.TAG_NAME, "html")
    assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert LABELS[language]["inventory"] in text_of(browser, "header nav")
    screenshot(browser, f"{language}-inventory-empty")

    # Intake of two items with photos, through the browser's file inputs.
    wallet_photo, bag_photo = images.jpeg(seed=7101), images.jpeg(seed=7102)
    (tmp_path / "wallet.jpg").write_bytes(wallet_photo)
    (tmp_path / "bag.jpg").write_bytes(bag_photo)
    browser.get(f"{live_url}/staff/venues/{venue['id']}/intake")
    for row, (name, title, category) in enumerate(
        (("wallet.jpg", "Black leather wallet", "wallet"), ("bag.jpg", "Blue backpack", "bag"))
    ):
        browser.find_element(By.ID, f"photo_{row}").send_keys(str(tmp_path / name))
        browser.find_element(By.ID, f"title_{row}").send_keys(title)
        Select(browser.find_element(By.ID, f"category_{row}")).select_by_value(category)
        browser.find_element(By.ID, f"storage_location_{row}").send_keys(f"Room B / shelf {row}")
    browser.find_element(By.ID, "control_details_0").send_keys("Two cards and a photo of a cat")
    submit = browser.find_element(By.CSS_SELECTOR, "form[enctype] button[type=submit]")
    assert submit.text == LABELS[language]["intake"]
    submit.click()
    results = wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, ".results li.ok"))
    assert len(results) == 2
    tags = [element.text for element in browser.find_elements(By.CSS_SELECTOR, ".results .tag")]
    screenshot(browser, f"{language}-intake-results")

    # Find the wallet in the inventory by its tag code.
    browser.get(f"{live_url}/staff/venues/{venue['id']}")
    browser.find_element(By.ID, "q").send_keys(tags[0])
    browser.find_element(By.CSS_SELECTOR, "form[role=search] button").click()
    wait_until(lambda: "q=" in browser.current_url)
    rows = wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, "table.items tbody tr"))
    assert len(rows) == 1 and "Black leather wallet" in rows[0].text
    rows[0].find_element(By.CSS_SELECTOR, "a").click()
    wait_until(lambda: "/items/" in browser.current_url)
    found_id = browser.current_url.rstrip("/").rsplit("/", 1)[1]

    # A lost report of the same wallet, through the API, becomes a match on the item page.
    claimant = register(api, full_name="Omar Khalid")
    lost = report_lost(
        api,
        claimant,
        wallet_photo,
        title="Black leather wallet",
        category="wallet",
        date_time=datetime.now(UTC).isoformat(),
    )

    def match_shown() -> bool:
        browser.refresh()
        return bool(browser.find_elements(By.CSS_SELECTOR, "article.match"))

    wait_until(match_shown, timeout=60)
    claim = api.post(
        f"/api/v1/items/{found_id}/claims",
        json={"answers": "Two bank cards and a photo of my cat", "lost_item_id": lost["id"]},
        headers=claimant.headers,
    )
    assert claim.status_code == 201, claim.text
    browser.refresh()
    assert "Two bank cards and a photo of my cat" in text_of(browser, ".claim .answers")
    assert "Two cards and a photo of a cat" in text_of(browser, ".claim .control")
    screenshot(browser, f"{language}-item-with-match-and-claim")
    approve = browser.find_element(By.CSS_SELECTOR, ".claim button[value=approve]")
    assert approve.text == LABELS[language]["approve"]
    approve.click()
    wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, ".notice.ok"))

    # Handover to the approved claimant.
    browser.find_element(By.ID, "collected_by_name").send_keys("Omar Khalid")
    Select(browser.find_element(By.ID, "claim_id")).select_by_index(1)
    browser.find_element(By.ID, "id_checked").click()
    Select(browser.find_element(By.ID, "id_type")).select_by_value("national_id")
    browser.find_element(By.ID, "id_last4").send_keys("4821")
    browser.find_element(By.CSS_SELECTOR, "form[action$='/handover'] button").click()
    done = wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, ".handover-done"))
    assert "Omar Khalid" in done[0].text and "4821" in done[0].text
    mine = api.get(f"/api/v1/items/{lost['id']}", headers=claimant.headers).json()
    assert mine["status"] == "claimed"

    # The report counts it.
    browser.get(f"{live_url}/staff/venues/{venue['id']}/reports")
    returned = text_of(browser, "#stat-returned b")
    assert returned in ("1", "١"), returned
    assert text_of(browser, "#stat-received b") in ("2", "٢")
    screenshot(browser, f"{language}-reports")
    csv = browser.find_element(By.CSS_SELECTOR, "a[download]").get_attribute("href")
    assert (csv and csv.endswith(".csv")) or "reports.csv" in str(csv)
    browser.get(f"{live_url}/staff/venues/{venue['id']}/claims")
    screenshot(browser, f"{language}-claims")
    browser.get(f"{live_url}/staff/venues/{venue['id']}/members")
    screenshot(browser, f"{language}-members")
    browser.set_window_size(390, 900)  # a phone's width
    browser.get(f"{live_url}/staff/venues/{venue['id']}")
    screenshot(browser, f"{language}-inventory-phone")


def test_other_venue_staff_see_none_of_it(browser: webdriver.Chrome, live_url: str) -> None:
    api = httpx.Client(base_url=live_url, timeout=60)
    owner_a, owner_b = register(api), register(api)
    venue_a = create_venue(api, owner_a)
    create_venue(api, owner_b, name="Mall of the Emirates")
    intake = api.post(
        f"/api/v1/venues/{venue_a['id']}/items",
        data={"items": '[{"photo": "p0", "title": "Gold ring", "control_details": "Engraved"}]'},
        files={"p0": ("p0.jpg", images.jpeg(seed=7201), "image/jpeg")},
        headers=owner_a.headers,
    )
    item = intake.json()["results"][0]["item"]
    sign_in(browser, live_url, owner_b)
    for path in (
        f"/staff/venues/{venue_a['id']}",
        f"/staff/venues/{venue_a['id']}/items/{item['id']}",
        f"/staff/venues/{venue_a['id']}/claims",
        f"/staff/venues/{venue_a['id']}/reports",
        f"/staff/venues/{venue_a['id']}/members",
    ):
        browser.get(live_url + path)
        body = browser.find_element(By.TAG_NAME, "body").text
        assert "Gold ring" not in body and "Engraved" not in body and item["tag_code"] not in body
        assert browser.find_elements(By.CSS_SELECTOR, ".notice.error"), path
    assert (
        httpx.get(f"{live_url}/staff/venues/{venue_a['id']}/items/{item['id']}").status_code == 303
    )


def test_stored_xss_in_a_title_renders_as_text(browser: webdriver.Chrome, live_url: str) -> None:
    api = httpx.Client(base_url=live_url, timeout=60)
    owner = register(api)
    venue = create_venue(api, owner)
    attack = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    intake = api.post(
        f"/api/v1/venues/{venue['id']}/items",
        data={"items": json.dumps([{"photo": "p0", "title": attack, "storage_location": attack}])},
        files={"p0": (f"{attack}.jpg", images.jpeg(seed=7301), "image/jpeg")},
        headers=owner.headers,
    )
    assert intake.status_code == 201, intake.text
    sign_in(browser, live_url, owner)
    browser.get(f"{live_url}/staff/venues/{venue['id']}")
    link = browser.find_element(By.CSS_SELECTOR, "table.items tbody a")
    assert link.text == attack
    link.click()
    wait_until(lambda: "/items/" in browser.current_url)
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith(attack)
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018


def test_forms_need_the_csrf_value_and_pages_send_a_policy(live_url: str) -> None:
    api = httpx.Client(base_url=live_url, timeout=60)
    owner = register(api)
    venue = create_venue(api, owner)
    web = httpx.Client(base_url=live_url, timeout=60)
    login_page = web.get("/staff/login")
    policy = login_page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    # Secure cookies outside development: a browser keeps them for https (and localhost)
    # only, so this client sends them by hand.
    csrf = web.cookies.get("mafqood_csrf")
    assert csrf
    jar = {"cookie": f"mafqood_csrf={csrf}"}
    signed = web.post(
        "/staff/login",
        data={"email": owner.email, "password": owner.password, "csrf": csrf, "next": "/staff/"},
        headers=jar,
    )
    assert signed.status_code == 303, signed.text
    cookies = signed.headers.get_list("set-cookie")
    session = next(value for value in cookies if value.startswith("mafqood_staff="))
    assert "HttpOnly" in session and "SameSite=lax" in session and "Secure" in session
    access = session.split(";")[0]
    signed_in = {"cookie": f"{access}; mafqood_csrf={csrf}"}
    assert web.get(f"/staff/venues/{venue['id']}", headers=signed_in).status_code == 200
    without = web.post(
        f"/staff/venues/{venue['id']}/invitations",
        data={"email": "intruder@example.com", "role": "owner"},
        headers={**signed_in, "referer": "https://evil.example/"},
    )
    forged = web.post(
        f"/staff/venues/{venue['id']}/invitations",
        data={"email": "intruder@example.com", "role": "owner", "csrf": "forged-value-123456"},
        headers={**signed_in, "referer": "https://evil.example/"},
    )
    assert without.status_code == forged.status_code == 403
    invitations = api.get(f"/api/v1/venues/{venue['id']}/invitations", headers=owner.headers)
    assert invitations.json()["invitations"] == []
    # Sign-in goes back only to the dashboard's own pages.
    outside = web.get("/staff/login", params={"next": "https://evil.example/"})
    assert 'value="/staff/"' in outside.text
