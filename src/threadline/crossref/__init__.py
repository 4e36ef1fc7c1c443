"""Cross-referencing at call time: the live path, the picture, and alerts kept in the store."""

from threadline.crossref.alerts import list_alerts
from threadline.crossref.person import PersonProfile, membership_evidence, person_profile
from threadline.crossref.picture import NotFound, Picture, build_picture
from threadline.crossref.pipeline import CallTimeSettings, Submission, mark_history_viewed, submit

__all__ = [
    "CallTimeSettings",
    "NotFound",
    "PersonProfile",
    "Picture",
    "Submission",
    "build_picture",
    "list_alerts",
    "mark_history_viewed",
    "membership_evidence",
    "person_profile",
    "submit",
]
