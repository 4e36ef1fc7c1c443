"""The use cases: what a user does through the API or a page, written once.

Each function takes the engine, an :class:`~threadline.usecases.auditor.Auditor` (the signed-in
user, whose role decides what they are shown, and the audit rows they leave), the purpose where
person data is read, and the request's values. It runs the queries, writes the audit row and
applies the one disclosure decision (:mod:`threadline.guard.disclosure`), so the API route and the
page that call it cannot differ. Refusals are :class:`~threadline.usecases.errors.Refused`
(404, 422), which the API answers as JSON and a page as an error page.

Modules, by area: :mod:`.incidents` (the picture, the research check, a submission's answer),
:mod:`.people` (search, a person, membership evidence, split, their assessments),
:mod:`.review` (the queue and judgements), :mod:`.supervision` (alerts, the dashboard),
:mod:`.assessments` (DASH and S-DASH, MARAC referrals), :mod:`.users` (an administrator's
change to an account).
"""

from threadline.usecases.auditor import Auditor
from threadline.usecases.errors import NotFound, Refused, Unprocessable

__all__ = ["Auditor", "NotFound", "Refused", "Unprocessable"]
