"""What the officer who attended an incident recorded about arrest, as the force's systems send it.

A breach of an order is a prompt to arrest; whether the suspect was arrested, and why not, is the
decision the law asks to be recorded (``/work/shared/domain.md``, "Arrest"): an arrest without
warrant needs one of the reasons in **PACE 1984 s24(5)** (:data:`NECESSITY_GROUNDS`), and the
College of Policing APP on domestic abuse expects positive action and a recorded rationale when
there is no arrest. Command and control closes an incident with its result, and custody records
carry the arrest: an incident may carry that outcome (:class:`ArrestOutcome`). Threadline records
it as the arrest decision on the breach alerts the incident raised
(:mod:`threadline.crossref.outcomes`); a "not arrested" still waits for a supervisor's sign-off.

The grounds and the shortest rationale are defined here once, for the record and for the step an
officer takes in Threadline alike (:mod:`threadline.recognise.actions`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Self

from pydantic import Field, StrictBool, StringConstraints, model_validator

from threadline.model.base import Schema, Timestamp

#: PACE 1984 s24(5): the reasons that can make an arrest without warrant necessary.
NECESSITY_GROUNDS: Mapping[str, str] = {
    "a": "to enable the name of the person in question to be ascertained",
    "b": "to enable the address of the person in question to be ascertained",
    "c_i": "to prevent the person causing physical injury to himself or any other person",
    "c_ii": "to prevent the person suffering physical injury",
    "c_iii": "to prevent the person causing loss of or damage to property",
    "c_iv": "to prevent the person committing an offence against public decency",
    "c_v": "to prevent the person causing an unlawful obstruction of the highway",
    "d": "to protect a child or other vulnerable person from the person in question",
    "e": "to allow the prompt and effective investigation of the offence or of the conduct of "
    "the person in question",
    "f": "to prevent any prosecution for the offence being hindered by the disappearance of the "
    "person in question",
}

#: The shortest rationale for not arresting accepted: a few words, not a tick in a box.
MIN_RATIONALE = 20
MAX_RATIONALE = 2000

Ground = Annotated[str, StringConstraints(max_length=8)]


class ArrestOutcome(Schema):
    """Arrested (when, by whom, on which PACE s24(5) grounds) or not arrested, and why not."""

    arrested: StrictBool
    #: the officer who made the decision (and the arrest, if there was one)
    by: str = Field(min_length=1, max_length=60)
    at: Timestamp = None
    grounds: list[Ground] = Field(default_factory=list, max_length=len(NECESSITY_GROUNDS))
    rationale: str | None = Field(default=None, max_length=MAX_RATIONALE)

    @model_validator(mode="after")
    def _complete(self) -> Self:
        unknown = sorted(set(self.grounds) - set(NECESSITY_GROUNDS))
        if unknown:
            raise ValueError(
                f"grounds {', '.join(unknown)}: grounds are PACE s24(5) paragraphs, "
                + ", ".join(NECESSITY_GROUNDS)
            )
        if self.arrested:
            if self.at is None:
                raise ValueError("an arrest needs its time (at)")
            if not self.grounds:
                raise ValueError("an arrest needs the PACE s24(5) ground that made it necessary")
        elif len((self.rationale or "").strip()) < MIN_RATIONALE:
            raise ValueError(
                f"not arrested needs the rationale ({MIN_RATIONALE} characters or more): why no "
                "PACE s24(5) ground made arrest necessary and what positive action was taken"
            )
        return self
