"""A person's MARAC page (``/people/{entity_id}/marac``) and its forms: a referral made, heard,
an action agreed and done, closed; the same use case as the API, the same refusals, audited.

SafeLives referral criteria (``/work/shared/domain.md``, "Risk"): visible high risk,
"professional judgement", potential escalation, repeat referral.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from threadline.guard import read_log

WHY = "INC-7 DASH Q17"
TODAY = "2026-03-01"  # the app clock's day (conftest NOW)


def post(client: TestClient, step: str, person: str, **fields: Any) -> Any:
    form = {"purpose": WHY, "victim": person, **fields}
    return client.post(f"/marac-referrals/{step}", data=form, follow_redirects=False)


def test_a_referral_is_followed_on_the_persons_marac_page(
    store: Engine, signed_in: Callable[[str], TestClient], known_person: str
) -> None:
    officer, supervisor = signed_in("officer"), signed_in("supervisor")
    prompt = officer.get(f"/people/{known_person}/marac")
    assert prompt.status_code == 200 and "purpose" in prompt.text.lower()
    empty = officer.get(f"/people/{known_person}/marac", params={"purpose": WHY})
    assert "No MARAC referral recorded here" in empty.text and "Make the referral" in empty.text
    made = post(officer, "refer", known_person, criteria="professional_judgement",
                reason="DASH Q17 yes: he threatened to kill her")  # fmt: skip
    assert made.status_code == 303
    assert made.headers["location"] == f"/people/{known_person}/marac?purpose=INC-7+DASH+Q17"
    page = officer.get(made.headers["location"])
    assert 'data-ref="MARAC-000001" data-status="made"' in page.text
    assert "Record the hearing" not in page.text  # an officer does not record the hearing
    assert post(officer, "hear", known_person, ref="MARAC-000001",
                heard_on=TODAY).status_code == 403  # fmt: skip
    assert post(supervisor, "hear", known_person, ref="MARAC-000001",
                heard_on=TODAY).status_code == 303  # fmt: skip
    agreed = {"text": "IDVA to contact the victim", "owner": "IDVA service"}
    assert post(supervisor, "action", known_person, ref="MARAC-000001", **agreed).status_code == 303
    page = officer.get(made.headers["location"])
    assert 'data-number="1" data-done="false"' in page.text and "Record it done" in page.text
    early = post(supervisor, "close", known_person, ref="MARAC-000001",
                 reason="Risk reduced to medium")  # fmt: skip
    assert early.status_code == 409 and "not done" in early.text
    assert post(officer, "complete", known_person, ref="MARAC-000001", number="1",
                note="IDVA spoke to her on 6 January").status_code == 303  # fmt: skip
    assert post(supervisor, "close", known_person, ref="MARAC-000001",
                reason="Risk reduced to medium").status_code == 303  # fmt: skip
    page = supervisor.get(made.headers["location"])
    assert 'data-status="closed"' in page.text and "Closed: Risk reduced to medium" in page.text
    steps = [r.action for r in reversed(read_log(store)) if r.action.startswith("marac.")]
    assert [s for s in steps if s != "marac.referrals"] == [
        "marac.refer", "marac.hear", "marac.action", "marac.complete", "marac.close"]  # fmt: skip
    person = officer.get(f"/people/{known_person}", params={"purpose": WHY})
    assert f"/people/{known_person}/marac?" in person.text


def test_a_call_handler_does_not_see_referrals_and_a_form_needs_its_token(
    store: Engine, signed_in: Callable[[str], TestClient], known_person: str, web_app: Any
) -> None:
    handler = signed_in("call_handler")
    refused = handler.get(f"/people/{known_person}/marac", params={"purpose": WHY})
    assert refused.status_code == 403
    officer = signed_in("officer")
    del officer.headers["X-CSRF-Token"]
    tokenless = post(officer, "refer", known_person, criteria="professional_judgement",
                     reason="DASH Q17 yes: he threatened to kill her")  # fmt: skip
    assert tokenless.status_code == 403
