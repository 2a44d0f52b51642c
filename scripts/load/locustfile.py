"""The spec's user flow under load: register, sign in, report lost and found items with photos,
poll matches, read notifications, browse.

Each virtual user stands for one phone: it registers once from its own address (sent as
X-Forwarded-For; run the service with TRUSTED_PROXIES=127.0.0.1 so the abuse limits see one
address per phone, as behind the real proxy), then polls like the app does.

    TRUSTED_PROXIES=127.0.0.1 .venv/bin/mafqood serve --port 8001 &
    .venv/bin/locust -f scripts/load/locustfile.py --headless --host http://127.0.0.1:8001 \
        --csv .data/load/run --html .data/load/run.html

The load shape (LoadShape below) steps 50 -> 100 -> 250 -> 500 -> 750 -> 1000 users and stops by
itself; LOAD_STEPS (e.g. "20") and LOAD_STEP_SECONDS change the steps and their length.

Think time: LOAD_THINK_SECONDS ("15,45" by default) between a phone's actions. The app keeps a
WebSocket open for matches and notifications, so it reads when its user opens a screen, not
every second.

A venue desk: LOAD_VENUE_REPORTS=200 adds one more user that posts that many found reports,
one every LOAD_VENUE_PACE_SECONDS (0.3: 200 in a minute), starting after LOAD_VENUE_DELAY
seconds. After a run, `python -m scripts.load.analysis_report` tells how long reports waited
for their matches. LOAD_REQUEST_LOG=path writes every request (time, method, name, ms, ok) to
a CSV, for latencies before and during a burst (`python -m scripts.load.burst PATH`). Only ever
point it at this machine.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import random
import time
from typing import Any

from locust import FastHttpUser, LoadTestShape, between, constant_pacing, events, task
from PIL import Image, ImageDraw

PASSWORD = "LoadTest-Password1"
STEPS = tuple(int(n) for n in os.environ.get("LOAD_STEPS", "50,100,250,500,750,1000").split(","))
STEP_SECONDS = int(os.environ.get("LOAD_STEP_SECONDS", "40"))
SPAWN_RATE = float(os.environ.get("LOAD_SPAWN_RATE", "25"))
THINK = tuple(float(n) for n in os.environ.get("LOAD_THINK_SECONDS", "15,45").split(","))
VENUE_REPORTS = int(os.environ.get("LOAD_VENUE_REPORTS", "0"))
VENUE_PACE = float(os.environ.get("LOAD_VENUE_PACE_SECONDS", "0.3"))
VENUE_DELAY = float(os.environ.get("LOAD_VENUE_DELAY", "30"))
PHOTOS: list[bytes] = []
_numbers = itertools.count(1)
_run = random.Random().randrange(10**9)


def _photo(seed: int) -> bytes:
    rng = random.Random(seed)
    image = Image.new("RGB", (800, 600), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(30):
        x, y = rng.randrange(800), rng.randrange(600)
        box = [x, y, x + rng.randrange(40, 400), y + rng.randrange(40, 300)]
        colour = tuple(rng.randrange(256) for _ in range(3))
        rng.choice([draw.rectangle, draw.ellipse])(box, fill=colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


VENUE_PHOTOS: list[bytes] = []


@events.init.add_listener
def _make_photos(**_: Any) -> None:
    PHOTOS.extend(_photo(seed) for seed in range(64))
    # Made before the run: making a photo blocks every simulated phone of this process for
    # tens of milliseconds, which would show up as their latency.
    VENUE_PHOTOS.extend(_photo(100_000 + seed) for seed in range(VENUE_REPORTS))


REQUEST_LOG = os.environ.get("LOAD_REQUEST_LOG")
_requests: list[tuple[float, str, str, float, bool]] = []


@events.request.add_listener
def _log_request(
    request_type: str, name: str, response_time: float, exception: Any, **_: Any
) -> None:
    if REQUEST_LOG:
        _requests.append((time.time(), request_type, name, response_time, exception is None))


@events.quitting.add_listener
def _write_request_log(**_: Any) -> None:
    if REQUEST_LOG:
        with open(REQUEST_LOG, "w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["time", "method", "name", "ms", "ok"])
            writer.writerows(_requests)


def report_form(kind: str) -> dict[str, str]:
    return {
        "title": random.choice(["Black iPhone 14", "Brown wallet", "Blue backpack", "Keys"]),
        "description": "Left near the food court, has a sticker on the back",
        "category": random.choice(["phone", "wallet", "bag", "keys"]),
        "location": random.choice(["Dubai Mall", "Mall of the Emirates", "DXB T3"]),
        "location_type": "mall",
        "latitude": f"{25.19 + random.random() / 50:.5f}",
        "longitude": f"{55.27 + random.random() / 50:.5f}",
        "date_time": "2026-01-03T14:30:00Z",
        "contact_method": "in_app",
    }


class SignedIn(FastHttpUser):
    """Someone with an account: registers from their own address, then signs in."""

    abstract = True

    def sign_up(self) -> None:
        number = next(_numbers)
        # One address per phone, from the benchmarking range (RFC 2544); only a header value.
        self.forwarded = {"X-Forwarded-For": f"198.18.{number // 250}.{number % 250 + 1}"}
        self.email = f"load{_run}-{number}@example.com"
        self.items: list[str] = []
        self.posted = 0
        self.photos = random.sample(range(len(PHOTOS)), 2)
        with self.client.post(
            "/auth/register",
            json={"email": self.email, "password": PASSWORD, "full_name": f"Load {number}"},
            headers=self.forwarded,
            name="/auth/register",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"register {response.status_code}")
                self.token = ""
                return
        with self.client.post(
            "/auth/login",
            json={"email": self.email, "password": PASSWORD},
            headers=self.forwarded,
            name="/auth/login",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"login {response.status_code}")
                self.token = ""
                return
            self.token = response.json()["token"]
        self.auth = {**self.forwarded, "Authorization": f"Bearer {self.token}"}


class Phone(SignedIn):
    wait_time = between(*THINK)

    def on_start(self) -> None:
        self.sign_up()

    @task(1)
    def report_item(self) -> None:
        # Two reports per phone (well under the 10 uploads/hour limit), one lost, one found.
        if not self.token or self.posted >= 2:
            return
        kind = "lost" if self.posted == 0 else "found"
        form = report_form(kind)
        photo = PHOTOS[self.photos[self.posted]]
        with self.client.post(
            f"/api/v1/{kind}",
            data=form,
            files={"image": ("photo.jpg", photo, "image/jpeg")},
            headers=self.auth,
            name=f"/api/v1/{kind}",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                self.items.append(response.json()["item"]["id"])
                self.posted += 1
            else:
                response.failure(f"{kind} {response.status_code}")

    @task(4)
    def poll_matches(self) -> None:
        if not self.token or not self.items:
            return
        item_id = random.choice(self.items)
        self.client.get(
            f"/api/v1/items/{item_id}/matches",
            headers=self.auth,
            name="/api/v1/items/{id}/matches",
        )

    @task(3)
    def read_notifications(self) -> None:
        if self.token:
            self.client.get("/api/v1/notifications", headers=self.auth)

    @task(2)
    def history(self) -> None:
        if self.token:
            self.client.get("/api/v1/history", headers=self.auth)

    @task(2)
    def browse(self) -> None:
        if self.token:
            category = random.choice(["phone", "wallet", "bag", "keys"])
            self.client.get(
                f"/api/v1/items?category={category}&near=25.2,55.28&radius_km=5",
                headers=self.auth,
                name="/api/v1/items?category&near",
            )

    @task(1)
    def item_detail(self) -> None:
        if self.token and self.items:
            self.client.get(
                f"/api/v1/items/{random.choice(self.items)}",
                headers=self.auth,
                name="/api/v1/items/{id}",
            )


# Defined only when asked for: locust runs every user class it finds.
if VENUE_REPORTS:

    class VenueDesk(SignedIn):
        """A lost-property desk posting a burst of found items (off unless LOAD_VENUE_REPORTS)."""

        fixed_count = 1
        wait_time = constant_pacing(VENUE_PACE)

        def on_start(self) -> None:
            time.sleep(VENUE_DELAY)
            self.sign_up()

        @task
        def intake(self) -> None:
            if not self.token or self.posted >= VENUE_REPORTS:
                return
            # A new photo each time: the same photo twice is refused as a duplicate.
            photo = VENUE_PHOTOS[self.posted]
            with self.client.post(
                "/api/v1/found",
                data=report_form("found"),
                files={"image": ("photo.jpg", photo, "image/jpeg")},
                headers=self.auth,
                name="/api/v1/found (venue)",
                catch_response=True,
            ) as response:
                if response.status_code == 201:
                    self.posted += 1
                else:
                    response.failure(f"venue found {response.status_code}")


class LoadShape(LoadTestShape):
    """Steps towards 1,000 concurrent users, then stops."""

    def tick(self) -> tuple[int, float] | None:
        elapsed = self.get_run_time()
        step = int(elapsed // STEP_SECONDS)
        if step >= len(STEPS):
            return None
        return STEPS[step], SPAWN_RATE
