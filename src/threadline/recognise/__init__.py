"""Recognition: declared rules that say what linked incidents mean (course of conduct, stalking,
order breaches, escalation, repeats, recording gaps), as alerts that explain themselves.

Pure core: no database, no clock. The input is a new :class:`Event` and its linked :class:`History`,
with every person already resolved to an entity id.
"""

from threadline.recognise.alerts import Alert, AlertChange, Finding, Rule
from threadline.recognise.behaviours import (
    BEHAVIOURS,
    Behaviour,
    BehaviourSign,
    find_behaviours,
    shows_stalking,
)
from threadline.recognise.engine import Recogniser, recognise
from threadline.recognise.history import Assessment, Association, Event, History, Order, Party
from threadline.recognise.rules import RULES, RULES_BY_ID
from threadline.recognise.thresholds import CATEGORY_SEVERITY, Thresholds

__all__ = [
    "BEHAVIOURS",
    "CATEGORY_SEVERITY",
    "RULES",
    "RULES_BY_ID",
    "Alert",
    "AlertChange",
    "Assessment",
    "Association",
    "Behaviour",
    "BehaviourSign",
    "Event",
    "Finding",
    "History",
    "Order",
    "Party",
    "Recogniser",
    "Rule",
    "Thresholds",
    "find_behaviours",
    "shows_stalking",
    "recognise",
]
