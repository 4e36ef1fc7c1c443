"""The three forms that take a step (on an alert, a case, a MARAC referral) read the step from
their path the same way (:func:`threadline.web.pages.deps.step_form`): a step the page does not
take is refused before anything runs, naming ``step``, and nothing is audited."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from threadline.guard import read_log


@pytest.mark.parametrize(
    ("path", "taken"),
    [
        ("/alert-actions/{step}", "assign"),
        ("/cases/1/{step}", "assign"),
        ("/marac-referrals/{step}", "refer"),
    ],
)
def test_a_step_the_page_does_not_take_is_refused_naming_it(
    store: Engine, signed_in: Callable[[str], TestClient], path: str, taken: str
) -> None:
    supervisor = signed_in("supervisor")
    form = {"purpose": "checking the forms", "alert_key": "order_breach:none", "victim": "P-1"}
    for wrong in ("open", "join", "unknown-step", f"{taken}x", f"x{taken}"):
        refused = supervisor.post(path.format(step=wrong), data=form, follow_redirects=False)
        assert refused.status_code == 422, (wrong, refused.text)
        assert "<li>step: String should match pattern" in refused.text
    # a step the page takes reaches the use case, which finds no such alert, case or person
    known = supervisor.post(path.format(step=taken), data=form, follow_redirects=False)
    assert known.status_code == 404 and "Not found" in known.text
    assert [
        r.action for r in read_log(store) if r.action.split(".")[0] in ("alert", "case", "marac")
    ] == []
