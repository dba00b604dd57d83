"""A set of outcome forms as one sitting recorded them: each form's answers scored by its own table, how the
patient was asked, and what the record of it shows.

The answers arrive by item id with their scored values (from the screen, a phone call or a clinic's file);
each form is scored by ``core.promis`` or kept "not scorable (n of N answered)"; the table's name and the
shipped tables' hash go with every score, so a later file never passes for the one a score came from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from core import event_data as d
from core.errors import InputError
from core.paths import resource_path
from core.promis import TABLES, NotScorable, PromisTables

MODES: Mapping[str, str] = {
    "chair": "At the chair",
    "visit": "At a follow-up visit",
    "phone": "By phone",
    "paper": "From a paper form",
    "import": "Imported from the clinic's file",
}
"""How the patient was asked, as the record says it (PROMIS.md 2.1: the mode of administration is kept)."""
PAIN_RANGE = range(0, 11)


@cache
def tables_sha256() -> str:
    """The SHA-256 of the shipped tables file, kept with every score made from it."""
    return hashlib.sha256(resource_path(TABLES).read_bytes()).hexdigest()


def checked_mode(mode: str) -> str:
    if mode not in MODES:
        raise InputError("mode", "Say how the patient answered.", f"Choose one of: {', '.join(MODES.values())}.")
    return mode


def parse_pain(text: str | int | None) -> int | None:
    """The 0-10 pain item: a whole number from 0 to 10, or nothing when it was not asked."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    value = str(text).strip()
    if not (value.isascii() and value.isdigit()) or int(value) not in PAIN_RANGE:
        raise InputError("pain_intensity", f"Pain “{value}” is not a score from 0 to 10.", "Ask again: 0 to 10.")
    return int(value)


def scored_forms(tables: PromisTables, answers: Mapping[str, Mapping[str, int | None]]) -> tuple[d.FormAnswers, ...]:
    """Each form with at least one answer, scored from its own table (or kept not scorable); a form whose
    table is not shipped, an item not on the form and a value the item cannot take are refused by name."""
    scored = []
    for form_id, given in answers.items():
        result = tables.score(form_id, given)
        kept = {item: value for item, value in given.items() if value is not None}
        if not kept:
            continue
        if isinstance(result, NotScorable):
            scored.append(
                d.FormAnswers(form_id, kept, result.answered, result.of, None, None, None, None, None, tables.to_verify)
            )
        else:
            form = tables.form(form_id)
            scored.append(
                d.FormAnswers(
                    form_id,
                    kept,
                    len(form.items),
                    len(form.items),
                    result.table,
                    tables_sha256(),
                    result.raw,
                    result.t_score,
                    result.se,
                    result.to_verify,
                )
            )
    return tuple(scored)


@dataclass(frozen=True)
class FormView:
    """One form of a sitting as the record shows it."""

    form_id: str
    domain: str
    higher_is_better: bool
    answered: int
    of: int
    t_score: Decimal | None
    se: Decimal | None
    raw: int | None
    table: str | None
    to_verify: bool

    @property
    def scorable(self) -> bool:
        return self.t_score is not None

    @property
    def words(self) -> str:
        if self.t_score is None:
            return f"not scorable ({self.answered} of {self.of} answered)"
        se = f" (SE {self.se})" if self.se is not None else ""
        check = " — table still to be verified" if self.to_verify else ""
        return f"T {self.t_score}{se}{check}"


@dataclass(frozen=True)
class AssessmentView:
    """One sitting's forms: whose, when, how asked, which course and time point it counts for."""

    id: str
    patient_id: str
    course_id: str | None
    time_point: str | None
    """The protocol's time point it counts for, or None when it falls in no window."""
    taken_on: date
    taken_at: datetime
    mode: str
    language: str
    forms: tuple[FormView, ...]
    pain_intensity: int | None
    recorded_by: str
    recorded_at: datetime

    @property
    def mode_words(self) -> str:
        return MODES.get(self.mode, self.mode)

    def form(self, domain: str) -> FormView | None:
        return next((f for f in self.forms if f.domain == domain), None)


def form_view(tables: PromisTables, answers: d.FormAnswers) -> FormView:
    """The record's form as shown; the domain and direction come from the shipped tables (a form no longer
    shipped keeps its id as its name)."""
    form = tables.forms.get(answers.form_id)
    return FormView(
        form_id=answers.form_id,
        domain=form.domain if form is not None else answers.form_id,
        higher_is_better=form.higher_is_better if form is not None else False,
        answered=answers.answered,
        of=answers.of,
        t_score=answers.t_score,
        se=answers.se,
        raw=answers.raw,
        table=answers.table,
        to_verify=answers.to_verify,
    )
