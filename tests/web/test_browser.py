"""The web app in a real browser (Debian's chromium driven by Playwright) on a demo force.

One session builds a synthetic force of about 3,000 incidents, imports, trains, resolves and
sweeps it, creates a user per role, and serves the app on a free local port. A call handler then
enters a new incident for the force's ex-partner stalking victim, sees the linked history and the
alerts, and records the research check; a supervisor sees the alert on the dashboard and opens
the victim's timeline and link chart, and the statistics. Each page is saved as a screenshot in
``test-artifacts/`` for a person to look at.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from web import browser
from web.browser import ARTIFACTS, chromium_path, served

pytestmark = [pytest.mark.browser]

FORCE_INCIDENTS = 3000
FORCE_SEED = 11


@dataclass(frozen=True)
class Victim:
    forenames: str
    surname: str
    dob: str
    phone: str
    address: str
    postcode: str
    ex_forenames: str
    ex_surname: str
    ex_dob: str
    reported_at: str  # datetime-local, now: the force ends today and its order is in force
    breaches: int  # breaches reported before this call


@dataclass(frozen=True)
class Demo:
    base_url: str
    passwords: dict[str, str]
    victim: Victim


def victim_of(truth: dict[str, Any], now: datetime) -> Victim:
    """The ex-partner stalking victim, her ex, and a call taken ``now`` (the force's period ends
    today and its story is current: the order is in force, the breaches reported)."""
    series = next(s for s in truth["series"] if s["kind"] == "ex_partner_stalking")
    her, him = truth["people"][series["victims"][0]], truth["people"][series["suspects"][0]]
    order = next(o for o in truth["orders"] if o["series"] == series["id"])
    assert date.fromisoformat(order["ends"]) > now.date(), "the story's order is not in force"
    return Victim(
        her["forenames"],
        her["surname"],
        her["dob"],
        her["phones"][0],
        her["address"],
        her["postcode"],
        him["forenames"],
        him["surname"],
        him["dob"],
        f"{now - timedelta(minutes=5):%Y-%m-%dT%H:%M}",
        len(order["breach_refs"]),
    )


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo force, resolved and swept, served by uvicorn in a background thread."""
    chromium_path()
    from threadline.app import create_app
    from threadline.crossref.replay import sweep
    from threadline.ingest import import_files
    from threadline.model import FORCE_TIMEZONE
    from threadline.resolve.batch import resolve_store, train_store_model
    from threadline.settings import Settings
    from threadline.store import open_store
    from threadline.synth import SynthConfig, ending_on, generate_force
    from threadline.web import create_demo_users

    folder = tmp_path_factory.mktemp("web-force")
    now = datetime.now(FORCE_TIMEZONE)
    # as make demo builds it: the period ends today, the ex-partner story current
    config = replace(ending_on(SynthConfig(), now.date()), current_story=True)
    generate_force(folder, FORCE_INCIDENTS, FORCE_SEED, config)
    url = f"sqlite:///{folder}/store.db"
    engine = open_store(url)
    import_files(engine, sorted(folder.glob("*s.jsonl")))
    trained = datetime(2026, 1, 1, tzinfo=UTC)
    model = train_store_model(engine, trained_at=trained)
    resolve_store(engine, model, now=trained)
    sweep(engine)
    users = create_demo_users(engine, datetime.now(UTC))
    settings = Settings(
        database_url=url, model_path=folder / "no-model-file.json", secure_cookies=False
    )
    app = create_app(settings, engine, linkage_model=model)
    truth = json.loads((folder / "truth.json").read_text())
    with served(app) as base_url:
        yield Demo(
            base_url,
            {role: password for _name, role, password in users},
            victim_of(truth, now),
        )
    engine.dispose()


def shoot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page: Any, demo: Demo, role: str, next_path: str) -> None:
    browser.sign_in(page, demo.base_url, demo.passwords, role, next_path)
    page.wait_for_url(re.compile(re.escape(next_path) + "$"))


def uk_date(iso: str) -> str:
    return datetime.strptime(iso, "%Y-%m-%d").strftime("%d/%m/%Y")


def test_a_call_handler_records_a_breach_and_a_supervisor_follows_it_up(
    demo: Demo, page: Any
) -> None:
    from playwright.sync_api import expect

    v = demo.victim
    sign_in(page, demo, "call_handler", "/incidents/new")
    shoot(page, "01-incident-form-empty")

    page.get_by_label("Reported at").fill(v.reported_at)
    page.get_by_label("Channel").select_option("999")
    page.get_by_label("Category").select_option("breach_of_order")
    page.get_by_label("domestic").check()
    page.get_by_label("Location").fill(v.address)
    page.locator("#postcode").fill(v.postcode)
    page.get_by_label("Narrative").fill(
        f"Caller {v.forenames} {v.surname} says her ex-partner {v.ex_forenames} {v.ex_surname} "
        "turned up at her house tonight, banged on the door and shouted through the letterbox. "
        "She has a non-molestation order against him."
    )
    page.locator("#people-0-forenames").fill(v.forenames)
    page.locator("#people-0-surname").fill(v.surname)
    page.locator("#people-0-dob").fill(uk_date(v.dob))
    page.locator("#people-0-phone").fill(v.phone)
    page.locator("#people-0-address").fill(v.address)
    page.locator("#people-0-postcode").fill(v.postcode)
    page.locator("#people-1-forenames").fill(v.ex_forenames)
    page.locator("#people-1-surname").fill(v.ex_surname)
    page.locator("#people-1-dob").fill(uk_date(v.ex_dob))
    page.locator("#people-1-relationship").select_option("former_partner")

    # The panel says who they probably are while the call goes on.
    panel = page.locator("#who-panel")
    expect(panel.locator("#who-0 .hit").first).to_be_visible()
    expect(panel.locator("#who-0")).to_contain_text(v.surname)
    expect(panel.locator("#who-0")).to_contain_text("Why:")
    expect(panel.locator("#who-1 .hit").first).to_be_visible()
    # The summary strip of the victim, to read aloud on a call taken now: the order in force,
    # the breaches counted, the DASH owed; repeated alerts folded into one with their count.
    strip = panel.locator("#who-0 .hit").first.locator("[data-strip]")
    expect(strip.locator("[data-key='order']")).to_contain_text("order in force until")
    expect(strip.locator("[data-key='breaches']")).to_have_text(f"{v.breaches} breaches reported")
    expect(strip.locator("[data-key='dash_owed']")).to_contain_text(re.compile(r"^\d+ DASH owed$"))
    expect(panel.locator("#who-0 .folded").first).to_contain_text(f"order breach × {v.breaches}")
    # Rows can be added and removed.
    page.get_by_role("button", name="Add a person").click()
    expect(page.locator("#people fieldset.person")).to_have_count(3)
    page.locator("#people fieldset.person").nth(2).get_by_role("button").click()
    expect(page.locator("#people fieldset.person")).to_have_count(2)
    shoot(page, "02-incident-form-with-panel")

    page.get_by_role("button", name="Submit and cross-reference").click()
    page.wait_for_url(re.compile(r"/incidents/WEB-"))
    ref = page.url.split("/incidents/")[1].split("?")[0]
    alerts = page.locator("section[aria-labelledby='alerts-h']")
    expect(alerts.locator("[data-rule='order_breach']").first).to_be_visible()
    # the breach leads (its arrest decision is the action); the others are folded below it
    expect(alerts.locator("article.alert").first).to_have_attribute("data-rule", "order_breach")
    expect(alerts.locator(".more-here > summary")).to_contain_text("think stalking")
    expect(alerts).to_contain_text("arrest if it is necessary under PACE s24(5)")
    expect(page.locator(".person-card").first).to_contain_text("linked incidents and crimes")
    expect(page.locator(".order.active").first).to_contain_text("Active non-molestation order")
    top = page.locator("main [data-strip]").first  # the victim's strip leads the picture
    expect(top.locator("[data-key='breaches']")).to_have_text(
        f"{v.breaches + 1} breaches reported"  # this call's breach counted with the others
    )
    shoot(page, "03-picture")
    # Timeline first, detail folded below: under two screens on a 1366x768 laptop (issue 24)
    page.set_viewport_size({"width": 1366, "height": 768})
    expect(page.locator("figure.picture-timeline svg.timeline")).to_be_visible()
    assert page.locator("svg.timeline rect.band").count() >= 1  # the order, drawn as a band
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 2 * 768, f"the picture is {height} px tall on a 1366x768 screen"
    shoot(page, "03-picture-1366x768")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name=re.compile("research check")).click()
    expect(page.locator(".research.done")).to_contain_text("Research check recorded")
    shoot(page, "04-research-check-recorded")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login$"))

    sign_in(page, demo, "supervisor", "/dashboard")
    page.get_by_role("button", name="Open the record").click()  # the purpose, as suggested
    breaches = page.locator("[data-board] tr[data-rule='order_breach']")
    expect(breaches.first).to_contain_text(ref)  # high severity first, the newest at the top
    expect(page.locator("#queue-h")).to_be_visible()
    # pairs whose people are in open alerts come first, saying what rides on the judgement
    expect(page.locator("table.queue tbody tr").first.locator(".at-stake").first).to_contain_text(
        "is in open alert"
    )
    shoot(page, "05-dashboard")

    # The victim's page: purpose first, then the timeline.
    page.goto(f"{demo.base_url}/incidents/{ref}?purpose=supervisor+review+of+{ref}")
    page.locator(".person-card").first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Why are you opening this record?")).to_be_visible()
    expect(page.get_by_label("Purpose")).to_have_value(f"Dealing with incident {ref}")
    page.get_by_role("button", name="Open the record").click()
    expect(page.locator("h1")).to_contain_text(v.surname)
    timeline = page.locator("svg.timeline")
    expect(timeline).to_be_visible()
    assert timeline.locator(".mark").count() >= 20
    assert ref in (
        timeline.locator("title").all_text_contents()[-1]
        + " ".join(timeline.locator("title").all_text_contents())
    )
    expect(page.locator("#why-h")).to_be_visible()
    shoot(page, "06-person-timeline")

    page.get_by_role("link", name="Open the link chart").click()
    chart = page.locator("svg.network")
    expect(chart).to_be_visible()
    assert chart.locator("a.node").count() >= 3
    expect(page.locator(".legend").first).to_contain_text("Person")
    shoot(page, "07-link-chart")
    page.get_by_label(re.compile("Depth")).select_option("1")
    page.get_by_role("button", name="Redraw").click()
    expect(page.locator("svg.network")).to_be_visible()
    assert "depth=1" in page.url

    page.goto(f"{demo.base_url}/stats")
    expect(page.locator("h1")).to_contain_text("Recorded stalking")
    assert page.locator("figure.chart svg rect").count() > 10
    expect(page.locator("table.stats").first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("by year")).click()
    assert download.value.suggested_filename == "threadline-by-year.csv"
    shoot(page, "08-statistics")


def test_a_wrong_password_is_refused_and_a_call_handler_cannot_open_the_dashboard(
    demo: Demo, page: Any
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{demo.base_url}/login")
    page.get_by_label("Username").fill("demo-call-handler")
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#login-error")).to_contain_text("wrong username or password")
    sign_in(page, demo, "call_handler", "/incidents/new")
    response = page.goto(f"{demo.base_url}/dashboard")
    assert response is not None and response.status == 403
    expect(page.locator("main")).to_contain_text("may not view the dashboard")
    shoot(page, "09-refused")


def test_signing_out_ends_a_copied_session_and_the_api_docs_run_under_the_csp(
    demo: Demo, page: Any
) -> None:
    """Sign out sends the page's CSRF token; a copy of the cookie opens nothing afterwards; the
    docs page's Swagger UI, served from this site, runs under the Content Security Policy."""
    from playwright.sync_api import expect

    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    sign_in(page, demo, "supervisor", "/dashboard")
    [cookie] = [c for c in page.context.cookies() if c["name"] == "threadline_session"]
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login$"))
    page.context.add_cookies([cookie])
    page.goto(f"{demo.base_url}/dashboard")
    page.wait_for_url(re.compile(r"/login\?next="))
    page.goto(f"{demo.base_url}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Threadline")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    shoot(page, "10-api-docs")
    assert [e for e in errors if "Content Security Policy" in e] == []


#: Issue 24: every page, as the role that works from it, checked by axe-core in the browser.
SERIOUS = ("serious", "critical")


def _axe_violations(page: Any, axe: Any, name: str) -> list[str]:
    shoot(page, f"axe-{name}")
    results = axe.run(page)
    return [
        f"{name}: {v['id']} ({v['impact']}, {len(v['nodes'])} elements, first "
        f"{v['nodes'][0]['target'] if v['nodes'] else '?'}): {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]


def test_every_page_has_no_serious_or_critical_accessibility_violation(
    demo: Demo, page: Any
) -> None:
    from urllib.parse import quote, urlencode

    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    v = demo.victim
    why = urlencode({"purpose": "accessibility check"})
    found: list[str] = []
    page.goto(f"{demo.base_url}/login")
    found += _axe_violations(page, axe, "login")
    sign_in(page, demo, "officer", "/")
    found += _axe_violations(page, axe, "home-officer")
    query = urlencode({"forenames": v.forenames, "surname": v.surname, "dob": v.dob})
    page.goto(f"{demo.base_url}/search?{query}&{why}")
    found += _axe_violations(page, axe, "search")
    person = page.locator("table.hits a").first.get_attribute("href")
    assert person and person.startswith("/people/")
    entity = person.split("/")[2].split("?")[0]
    for name, path in (
        ("person", f"/people/{entity}?{why}"),
        ("network", f"/people/{entity}/network?{why}&depth=1"),
        ("connect", f"/connect?a={entity}&b={quote('phone:' + v.phone)}&{why}"),
        ("incident-form", "/incidents/new"),
    ):
        page.goto(f"{demo.base_url}{path}")
        found += _axe_violations(page, axe, name)
    page.context.clear_cookies()
    sign_in(page, demo, "supervisor", "/dashboard")
    for name, path in (
        ("dashboard", f"/dashboard?{why}"),
        ("marac", "/marac"),
        ("accountability", "/accountability"),
        ("stats", "/stats"),
    ):
        page.goto(f"{demo.base_url}{path}")
        found += _axe_violations(page, axe, name)
    page.context.clear_cookies()
    sign_in(page, demo, "auditor", "/audit")
    page.goto(f"{demo.base_url}/audit?verify=true")
    found += _axe_violations(page, axe, "audit")
    (ARTIFACTS / "axe-violations.txt").write_text("\n".join(found) + "\n")
    assert found == [], "\n".join(found)


def test_an_auditor_filters_the_audit_log_and_verifies_the_chain(demo: Demo, page: Any) -> None:
    """Issue 24: the audit-log page as the auditor: filtered by user and action, the verify
    button shows the chain verified and its head, which a second check against it confirms."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    sign_in(page, demo, "auditor", "/audit")
    page.reload()  # the first look is logged: now there is an audit.read row of ours to find
    page.get_by_label("User").fill("demo-auditor")
    page.get_by_label("Action").fill("audit.read")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"/audit\?.*by=demo-auditor"))
    rows = page.locator("table.audit tbody tr")
    assert rows.count() >= 1
    for row in rows.all():  # every row shown is the auditor's own reading of the log
        expect(row.locator("td").nth(1)).to_have_text("demo-auditor")
        expect(row.locator("td").nth(3)).to_have_text("audit.read")
    shoot(page, "11-audit-log-filtered")

    page.get_by_role("button", name="Verify").click()
    status = page.locator("[data-verify]")
    expect(status).to_have_attribute("data-verify", "ok")
    expect(status).to_contain_text("verified")
    head_rows = page.locator("[data-head-rows]").inner_text()
    head_hash = page.locator("[data-head-hash]").inner_text()
    assert int(head_rows) >= 1 and re.fullmatch(r"[0-9a-f]{64}", head_hash), (head_rows, head_hash)
    shoot(page, "12-audit-log-verified")
    violations = _axe_violations(page, Axe(), "audit-verified")

    # the head noted, checked again: the chain still holds from it
    page.get_by_label("Rows of a head you noted (optional)").fill(head_rows)
    page.get_by_label("Its last hash (optional)").fill(head_hash)
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("[data-verify]")).to_have_attribute("data-verify", "ok")
    assert f"head_hash={head_hash}" in page.url
    assert violations == [], "\n".join(violations)


def test_an_analyst_finds_how_two_linked_people_are_connected(demo: Demo, page: Any) -> None:
    """Issue 24: the connect page as the analyst: the stalking victim and her ex-partner, found
    by name, are joined by a path whose every hop shows its evidence (the records it comes
    from)."""
    from urllib.parse import urlencode

    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    v = demo.victim
    why = {"purpose": "analysis of a stalking series"}
    sign_in(page, demo, "analyst", "/connect")
    ids = []
    for forenames, surname, dob in ((v.forenames, v.surname, v.dob),
                                    (v.ex_forenames, v.ex_surname, v.ex_dob)):  # fmt: skip
        query = {"forenames": forenames, "surname": surname, "dob": dob, **why}
        page.goto(f"{demo.base_url}/search?{urlencode(query)}")
        href = page.locator("table.hits a").first.get_attribute("href")
        assert href and href.startswith("/people/"), href
        ids.append(href.split("/")[2].split("?")[0])
    her, him = ids
    assert her != him

    page.goto(f"{demo.base_url}/connect")
    page.get_by_label("From").fill(her)
    page.get_by_label("To").fill(him)
    page.get_by_label("Purpose").fill(why["purpose"])
    page.get_by_role("button", name="Find the paths").click()
    page.wait_for_url(re.compile(r"/connect\?.*a=" + re.escape(her)))
    heading = page.locator("#paths-heading")
    expect(heading).to_contain_text(re.compile(r"\d+ shortest path"))
    first = page.locator("article.path").first
    names = first.locator("h3 a")
    expect(names.first).to_have_attribute("href", re.compile(re.escape(f"/people/{her}")))
    expect(names.last).to_have_attribute("href", re.compile(re.escape(f"/people/{him}")))
    hops = first.locator("ol.hops > li")
    assert hops.count() >= 1
    for hop in hops.all():  # each link with the records it comes from
        evidence = hop.locator("ul > li")
        assert evidence.count() >= 1, hop.inner_text()
        expect(evidence.first.locator(".tag")).not_to_be_empty()
    assert re.search(r"\b(INC|CRM|ORD)-[\d-]+", first.inner_text()), first.inner_text()
    shoot(page, "13-connect-two-people")
    violations = _axe_violations(page, Axe(), "connect-path")
    assert violations == [], "\n".join(violations)
