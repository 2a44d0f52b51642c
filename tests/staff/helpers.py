"""Blocking helpers for browser tests: the API over HTTP, and waits on the page."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
from selenium import webdriver
from selenium.webdriver.common.by import By

from tests.factories import PASSWORD, Account, item_form
from tests.venues.helpers import venue_body
from tests.venues.verification import mark_verified

T = TypeVar("T")
_emails = itertools.count(1)


def register(api: httpx.Client, **fields: Any) -> Account:
    body = {
        "email": f"desk{next(_emails)}@example.com",
        "password": PASSWORD,
        "full_name": "Mariam Saeed",
        **fields,
    }
    response = api.post("/auth/register", json=body)
    assert response.status_code == 201, response.text
    data = response.json()
    return Account(
        data["user"]["id"], body["email"], PASSWORD, data["token"], data["refresh_token"]
    )


def create_venue(api: httpx.Client, owner: Account, **fields: Any) -> dict[str, Any]:
    """A venue in service: verified, as an administrator would."""
    response = api.post("/api/v1/venues", json=venue_body(**fields), headers=owner.headers)
    assert response.status_code == 201, response.text
    venue: dict[str, Any] = response.json()
    asyncio.run(mark_verified(venue["id"]))
    return venue


def report_lost(api: httpx.Client, account: Account, photo: bytes, **fields: Any) -> dict[str, Any]:
    response = api.post(
        "/api/v1/lost",
        data=item_form(**fields),
        files={"image": ("lost.jpg", photo, "image/jpeg")},
        headers=account.headers,
    )
    assert response.status_code == 201, response.text
    item: dict[str, Any] = response.json()["item"]
    return item


def wait_until(condition: Callable[[], T | None], timeout: float = 30) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.2)


def sign_in(browser: webdriver.Chrome, base: str, account: Account) -> None:
    browser.get(base + "/staff/login")
    browser.find_element(By.ID, "email").send_keys(account.email)
    browser.find_element(By.ID, "password").send_keys(account.password)
    browser.find_element(By.CSS_SELECTOR, "form[action='/staff/login'] button").click()
    wait_until(lambda: "/staff/login" not in browser.current_url)


def text_of(browser: webdriver.Chrome, selector: str) -> str:
    return str(browser.find_element(By.CSS_SELECTOR, selector).text)
