"""The person's page shows contacts per day under the incidents, the order drawn as a band from
the day it binds (served: Family Law Act 1996 s42A(2), "only in respect of conduct engaged in at
a time when he was aware of the existence of the order"), and the message page lists what each
role may see, every look audited with its purpose."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from comms_factory import NUMBER, SECRET, VICTIM, stalked_victim
from threadline.guard import read_log

WHY = "INC-1 breach file"
PAGE = f"/people/{VICTIM}/communications"


def test_the_person_page_draws_contacts_per_day_and_the_order_band(
    signed_in: Callable[[str], TestClient], store: Engine
) -> None:
    stalked_victim(store)
    page = signed_in("officer").get(f"/people/{VICTIM}", params={"purpose": WHY})
    assert page.status_code == 200, page.text[:300]
    chart = page.text.split('class="contacts-chart"')[1].split("</svg>")[0]
    assert chart.count('class="contact-bar"') == 7  # 7 local days with contacts
    assert "NMO-1 non-molestation order: binds from 2026-02-10 (served)" in chart
    assert page.text.index('id="timeline-h"') < page.text.index('id="contacts-h"')
    assert f'href="{PAGE}?purpose=' in page.text
    (row,) = read_log(store, action="communications.view")  # the counts only: no content read
    assert row.purpose == WHY and row.detail["shown"] == 0


def test_an_officer_reads_the_messages_and_a_call_handler_sees_them_redacted(
    signed_in: Callable[[str], TestClient], store: Engine
) -> None:
    stalked_victim(store)
    officer = signed_in("officer")
    asked = officer.get(PAGE, params={"channel": "sms"})
    assert "Why are you opening this record?" in asked.text and SECRET not in asked.text
    assert 'name="channel" value="sms"' in asked.text  # the filter kept for after the answer
    page = officer.get(PAGE, params={"purpose": WHY})
    assert page.status_code == 200 and SECRET in page.text and NUMBER in page.text
    assert 'data-content="withheld"' not in page.text
    handler = signed_in("call_handler").get(PAGE, params={"purpose": WHY})
    assert handler.status_code == 200
    assert SECRET not in handler.text and "pick up" not in handler.text
    assert 'data-content="withheld"' in handler.text and NUMBER in handler.text
    assert handler.text.count("(withheld)</span>") == 12
    analyst = signed_in("analyst").get(PAGE, params={"purpose": WHY})
    assert NUMBER not in analyst.text and 'data-contact="withheld"' in analyst.text
    assert 'name="sender"' not in analyst.text
    actions = [(r.user, r.action) for r in read_log(store) if r.action.startswith("comm")]
    assert ("officer", "communications.content") in actions
    assert ("call-handler", "communications.view") in actions


def test_filters_narrow_the_list_and_the_chart(
    signed_in: Callable[[str], TestClient], store: Engine
) -> None:
    stalked_victim(store)
    page = signed_in("supervisor").get(PAGE, params={"purpose": WHY, "channel": "call"})
    assert page.status_code == 200
    assert page.text.count('data-kind="missed_call"') == 1 and SECRET not in page.text
    chart = page.text.split('class="contacts-chart"')[1].split("</svg>")[0]
    assert chart.count('class="contact-bar"') == 1


def test_roles_without_the_view_get_no_chart_and_no_message_page(
    signed_in: Callable[[str], TestClient], store: Engine
) -> None:
    stalked_victim(store)
    auditor = signed_in("auditor")
    person = auditor.get(f"/people/{VICTIM}", params={"purpose": WHY})
    assert person.status_code == 200 and "contacts-chart" not in person.text
    assert auditor.get(PAGE, params={"purpose": WHY}).status_code == 403
