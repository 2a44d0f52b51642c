"""The staff dashboard in a real browser: Debian's chromium, driven through its chromedriver
by Selenium, against the app served by a real uvicorn on a free port."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from mafqood.main import create_app
from tests.conftest import Servers, make_settings
from tests.live import serve_in_thread

SCREENSHOTS = Path(".data/screenshots")


@pytest.fixture(scope="package")
def live_url(servers: Servers, vision_worker: Any) -> Iterator[str]:
    # Relative photo URLs, as a newcomer's service has them: the browser loads them from
    # wherever it reached the dashboard.
    application = create_app(make_settings(servers, public_base_url=None))
    with serve_in_thread(application) as url:
        yield url


@pytest.fixture(scope="package")
def chromium() -> Iterator[webdriver.Chrome]:
    browser, driver = shutil.which("chromium"), shutil.which("chromedriver")
    assert browser and driver, "chromium and chromedriver come with `make test` (test_tools)"
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in (
        "--headless=new",
        "--no-sandbox",  # tests run as root in containers
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        "--lang=en-GB",
    ):
        options.add_argument(argument)
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    chrome.implicitly_wait(0)
    yield chrome
    chrome.quit()


@pytest.fixture
def browser(chromium: webdriver.Chrome, live_url: str) -> Iterator[webdriver.Chrome]:
    """A browser with no cookies of earlier tests."""
    chromium.get(live_url + "/staff/login")
    chromium.delete_all_cookies()
    chromium.set_window_size(1280, 1000)
    yield chromium
    chromium.delete_all_cookies()


def screenshot(browser: webdriver.Chrome, name: str) -> None:
    """A full-page picture kept under .data/screenshots (not committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    width = browser.get_window_size()["width"]
    browser.set_window_size(width, min(max(int(height), 600), 4000))
    browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    browser.set_window_size(width, 1000)
