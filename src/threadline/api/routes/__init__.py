"""One module per resource, each exposing ``router`` (a FastAPI ``APIRouter``).

:func:`threadline.api.main.create_api` includes every module here that has a ``router``, in
name order: adding ``incidents.py``, ``alerts.py``, ``review.py`` or ``stats.py`` with a
``router`` is all it takes to publish it. Guard each route with
``threadline.api.deps.require(action)``, an action declared in
:mod:`threadline.guard.policy`; the access tests then cover it automatically.
"""
