"""Issue 25's contacts chart and message view in a real browser: a victim's messages stored under
her incident, a non-molestation order made without notice and served on 10 Feb 2026 (binding from
service, Family Law Act 1996 s42A(2): "only in respect of conduct engaged in at a time when he
was aware of the existence of the order").

An officer opens her timeline: contacts per day are drawn under the incidents with the order's
band from the day of service; she opens the messages and reads them. A call handler opens the
same messages: the counts and the list, every text withheld. Screenshots in
``test-artifacts/comms-*.png``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from comms_factory import SECRET, VICTIM, stalked_victim
from web import browser
from web.browser import ARTIFACTS, chromium_path, served

pytestmark = [pytest.mark.browser]

WHY = "INC-1 breach file"


@dataclass(frozen=True)
class Served:
    base_url: str
    passwords: dict[str, str]


@pytest.fixture(scope="module")
def serving(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    chromium_path()
    from threadline.app import create_app
    from threadline.settings import Settings
    from threadline.store import open_store
    from threadline.web import create_demo_users

    folder: Path = tmp_path_factory.mktemp("comms")
    url = f"sqlite:///{folder}/store.db"
    engine = open_store(url)
    stalked_victim(engine)
    users = create_demo_users(engine, datetime.now(UTC))
    settings = Settings(database_url=url, model_path=folder / "none.json", secure_cookies=False)
    app = create_app(settings, engine)
    with served(app) as base_url:
        yield Served(base_url, {role: pw for _n, role, pw in users})
    engine.dispose()


def sign_in(page: Any, serving: Served, role: str, path: str) -> None:
    browser.sign_in(page, serving.base_url, serving.passwords, role, path)


def test_the_timeline_draws_contacts_and_the_order_band_and_a_call_handler_reads_no_content(
    serving: Served, page: Any
) -> None:
    from playwright.sync_api import expect

    sign_in(page, serving, "officer", f"/people/{VICTIM}")
    page.get_by_label("Purpose").fill(WHY)
    page.get_by_role("button", name="Open the record").click()
    section = page.locator("section[aria-labelledby='contacts-h']")
    expect(section).to_be_visible()
    chart = section.locator("svg.contacts-chart")
    expect(chart.locator("rect.contact-bar")).to_have_count(7)
    band = chart.locator("rect.order-band")
    expect(band).to_have_count(1)
    expect(band.locator("title")).to_have_text(re.compile("binds from 2026-02-10 \\(served\\)"))
    # the band starts at the day of service, right of the two bars before it
    bars = chart.locator("rect.contact-bar")
    band_x = float(band.get_attribute("x") or 0)
    assert (
        float(bars.nth(1).get_attribute("x") or 0)
        < band_x
        < float(bars.nth(2).get_attribute("x") or 0)
    )
    timeline = page.locator("#timeline-h").bounding_box()
    assert timeline is not None and section.bounding_box()["y"] > timeline["y"]
    page.screenshot(path=str(ARTIFACTS / "comms-timeline.png"), full_page=True)

    section.get_by_role("link", name="Open the messages").click()
    page.wait_for_url(re.compile(r"/communications\?"))
    expect(page.locator("table.messages")).to_contain_text(SECRET)
    expect(page.locator("[data-content='withheld']")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "comms-officer-messages.png"), full_page=True)

    sign_in(page, serving, "call_handler", f"/people/{VICTIM}/communications")
    page.get_by_label("Purpose").fill(WHY)
    page.get_by_role("button", name="Open the record").click()
    expect(page.locator("[data-content='withheld']")).to_be_visible()
    expect(page.locator("svg.contacts-chart rect.contact-bar")).to_have_count(7)
    rows = page.locator("table.messages tbody tr")
    expect(rows).to_have_count(13)
    expect(page.locator("table.messages")).not_to_contain_text(SECRET)
    expect(page.locator("td.said", has_text="(withheld)")).to_have_count(12)
    page.screenshot(path=str(ARTIFACTS / "comms-call-handler-messages.png"), full_page=True)
