"""What each kind of entry holds: one frozen type per ``EventType``, with the shapes it was stored in.

``VERSION`` counts the shapes an entry of that kind has been written in; each class says what every
shape added or dropped (with the change that did it, tests/fixtures/event_shapes.json holds one of
each). Older shapes are read as they are and written back unchanged (``core.stored_form``): a key a
shape lacks reads as the field's default. Amounts are Decimal, stored as the strings they were.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from core.dosing import CheckFigures, DoseCalculation, PumpOrder, PumpReading, Weight, WeightUnit
from core.protocol import VitalKind
from core.stored_form import LEGACY, SAID_ONLY, StoredPart
from core.vitals import Tier


@dataclass(frozen=True)
class EventData(StoredPart):
    """An entry's content. This base is also the content of an entry with nothing to say beyond who
    and when (a resume, a completion)."""

    VERSION: ClassVar[int] = 1


@dataclass(frozen=True)
class SignatureEntry(StoredPart):
    """One signature, kept in the entry it signs (``core.signatures`` reads and checks it)."""

    WHAT: ClassVar[str] = "signature"

    signer_id: str
    meaning: str
    signed_at: str
    """UTC, as ``core.hashing.utc_moment`` wrote it: the hash covers the string."""
    signed_hash: str

    @property
    def at(self) -> datetime:
        return datetime.fromisoformat(self.signed_at)


@dataclass(frozen=True)
class Signed(EventData):
    """An entry that can carry signatures; ``signatures`` is absent until someone signs it."""

    signatures: tuple[SignatureEntry, ...] = field(default=(), kw_only=True, metadata=SAID_ONLY)


# ---- opening and preparing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProtocolRef(StoredPart):
    WHAT: ClassVar[str] = "protocol reference"

    id: str
    version: str
    sha256: str


@dataclass(frozen=True)
class CoursePlace(StoredPart):
    """Day ``day`` of ``of`` of the course ``id``, and the course days missed before it."""

    WHAT: ClassVar[str] = "course place"

    id: str
    day: int
    of: int
    missed: tuple[int, ...]


@dataclass(frozen=True)
class Opened(EventData):
    """v1 (b432834): patient, chair, identifiers, protocol. v2 (e9dcff9): + ``course``,
    ``same_day_override``. v3 (9892a01): + ``record_number_scanned``; identifiers as confirmed, no
    longer sorted."""

    VERSION: ClassVar[int] = 3
    WHAT: ClassVar[str] = "session opening"

    patient_id: str
    chair: int
    identifiers_confirmed: tuple[str, ...]
    protocol: ProtocolRef
    record_number_scanned: bool = False
    course: CoursePlace | None = None
    same_day_override: str | None = None


@dataclass(frozen=True)
class Screened(EventData):
    """v1 (b432834): ``answers``, ``stop_reasons``. v2 (607de68): + ``course_start``. v3 (8e0483b): +
    ``questions`` as worded, ``stop_confirmed``, ``stopped_by``."""

    VERSION: ClassVar[int] = 3
    WHAT: ClassVar[str] = "screening"

    answers: Mapping[str, str]
    stop_reasons: tuple[str, ...]
    course_start: bool = True
    questions: Mapping[str, str] = field(default_factory=dict)
    stop_confirmed: bool = False
    stopped_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class PreviousWeight(StoredPart):
    WHAT: ClassVar[str] = "previous weight"

    kg: Decimal
    session_id: str


@dataclass(frozen=True)
class Weighed(EventData):
    """v1 (b432834): ``entered``, ``unit``, ``kg``. v2 (8158184): + ``advisories``. v3 (ea7aeec): +
    ``previous``, ``change_percent`` when there was an earlier weight, ``change_confirmed`` when the
    nurse confirmed a large change. v4 (0677730): + ``unit_confirmed`` when she confirmed the unit."""

    VERSION: ClassVar[int] = 4
    WHAT: ClassVar[str] = "weight"

    entered: Decimal
    unit: WeightUnit
    kg: Decimal
    advisories: tuple[str, ...] = ()
    unit_confirmed: bool = field(default=False, metadata=SAID_ONLY)
    previous: PreviousWeight | None = field(default=None, metadata=SAID_ONLY)
    change_percent: Decimal | None = field(default=None, metadata=SAID_ONLY)
    change_confirmed: bool = field(default=False, metadata=SAID_ONLY)

    @property
    def weight(self) -> Weight:
        return Weight(self.entered, self.unit)


@dataclass(frozen=True)
class DoseCalculated(EventData):
    """v1 (b432834): the calculation, as ``core.dosing.DoseCalculation`` stores itself."""

    WHAT: ClassVar[str] = "dose calculation"

    calculation: DoseCalculation


@dataclass(frozen=True)
class Checked(Signed):
    """v1 (b432834): ``checker_id``, ``figures``, ``mismatches``. v2 (182ae73): + ``dosed_by``, and the
    checker's signature."""

    VERSION: ClassVar[int] = 2
    WHAT: ClassVar[str] = "second-nurse check"

    checker_id: str
    figures: CheckFigures
    mismatches: tuple[str, ...]
    dosed_by: str | None = None


@dataclass(frozen=True)
class PumpSecondReading(StoredPart):
    WHAT: ClassVar[str] = "second pump reading"

    checker_id: str | None
    """None until she has signed in (the reading is built before her password is checked)."""
    read: PumpReading
    mismatches: tuple[str, ...]


@dataclass(frozen=True)
class PumpProgrammed(Signed):
    """v1 (a5a959d): the order, the reading, its mismatches, a second nurse's reading or None."""

    WHAT: ClassVar[str] = "pump reading"

    order: PumpOrder
    read: PumpReading
    mismatches: tuple[str, ...]
    second: PumpSecondReading | None


# ---- the infusion ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Started(EventData):
    """v1 (b432834): the start thresholds' problems and the prescriber's go-ahead, if any."""

    WHAT: ClassVar[str] = "start"

    start_problems: tuple[str, ...]
    go_ahead: str | None


@dataclass(frozen=True)
class Paused(EventData):
    """v1 (b432834): ``reason``. v2 (7a0f3af): + ``alert_event_id`` when an alert's acknowledgement paused it."""

    VERSION: ClassVar[int] = 2
    WHAT: ClassVar[str] = "pause"

    reason: str
    alert_event_id: str | None = field(default=None, metadata=SAID_ONLY)


@dataclass(frozen=True)
class StoppedEarly(EventData):
    """v1 (b432834): reason, minutes infused, mg given. v2 (7a0f3af): + ``alert_event_id`` as for a pause."""

    VERSION: ClassVar[int] = 2
    WHAT: ClassVar[str] = "early stop"

    reason: str
    minutes_infused: Decimal
    estimated_mg_given: Decimal
    alert_event_id: str | None = field(default=None, metadata=SAID_ONLY)


@dataclass(frozen=True)
class PumpConfirmed(EventData):
    """v1 (b432834): whether the pump was still running after a restart, and a note."""

    WHAT: ClassVar[str] = "pump confirmation"

    running: bool
    note: str


# ---- observations ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VitalFinding(StoredPart):
    WHAT: ClassVar[str] = "vital-sign finding"

    vital: VitalKind
    tier: Tier
    text: str


@dataclass(frozen=True)
class VitalsRecorded(EventData):
    """v1 (b432834): the schedule point answered (or None), the values, why a reading is missing, the
    findings. Unchanged since (e23de13 changed which point is named, not the shape)."""

    WHAT: ClassVar[str] = "set of vital signs"

    values: Mapping[VitalKind, Decimal]
    findings: tuple[VitalFinding, ...]
    point_id: str | None = None
    partial_reason: str | None = None

    def of_tier(self, tier: Tier) -> tuple[VitalFinding, ...]:
        return tuple(f for f in self.findings if f.tier is tier)


@dataclass(frozen=True)
class Recheck(StoredPart):
    WHAT: ClassVar[str] = "recheck"

    minutes: int
    label: str


@dataclass(frozen=True)
class AlertAcknowledged(EventData):
    """v1 (b432834): ``alert_event_id`` and the ``action`` in free text. v2 (7a0f3af): the actions by id
    and label, the symptoms asked, a note; no free ``action``. v3 (3aa8089): + ``recheck``."""

    VERSION: ClassVar[int] = 3
    WHAT: ClassVar[str] = "alert acknowledgement"

    alert_event_id: str
    findings: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    action_labels: tuple[str, ...] = ()
    symptoms: Mapping[str, str] = field(default_factory=dict)
    symptoms_present: tuple[str, ...] = ()
    note: str | None = None
    recheck: Recheck | None = None
    action: str | None = field(default=None, metadata=LEGACY)
    """v1 only: what was done, as typed."""


@dataclass(frozen=True)
class SideEffects(EventData):
    """v1 (b432834): the grades and the items at an act-now grade. v2 (54b3463): + ``point_id``, the
    check answered (None between points)."""

    VERSION: ClassVar[int] = 2
    WHAT: ClassVar[str] = "side-effect check"

    grades: Mapping[str, str]
    act_now: tuple[str, ...]
    point_id: str | None = None


@dataclass(frozen=True)
class AdverseEvent(EventData):
    """v1 (7f1e95c): the side effect it comes from, what, how severe, what was done, who was told."""

    WHAT: ClassVar[str] = "adverse event"

    source_event_id: str
    item: str
    what: str
    severity: str
    action: str
    told: str


# ---- ending ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason(EventData):
    """v1 (b432834): why, for a session ended without treatment."""

    WHAT: ClassVar[str] = "ending"

    reason: str


@dataclass(frozen=True)
class ContradictedCriterion(StoredPart):
    WHAT: ClassVar[str] = "contradicted criterion"

    criterion: str
    findings: tuple[str, ...]


@dataclass(frozen=True)
class Discharged(Signed):
    """v1 (b432834): score, criteria, unmet, override reason. v2 (182ae73): signed. v3 (8e0483b): +
    ``contradicted`` (criteria the record denies), ``prescriber`` of the override."""

    VERSION: ClassVar[int] = 3
    WHAT: ClassVar[str] = "discharge"

    score: int
    criteria: Mapping[str, bool]
    unmet: tuple[str, ...]
    override_reason: str | None
    contradicted: tuple[ContradictedCriterion, ...] = ()
    prescriber: str | None = None


@dataclass(frozen=True)
class PatientAtSigning(StoredPart):
    WHAT: ClassVar[str] = "patient at signing"

    mrn: str
    family_name: str
    given_name: str
    birth_date: str


@dataclass(frozen=True)
class SessionSigned(Signed):
    """v1 (b432834): only ``meaning`` ("administered"), unsigned. v2 (182ae73): the controlled-substance
    problem and its note, and the signature. v3 (0177579): + ``patient``, who was signed for."""

    VERSION: ClassVar[int] = 3
    WHAT: ClassVar[str] = "session signature"

    controlled_problem: str | None = None
    discrepancy_note: str | None = None
    patient: PatientAtSigning | None = field(default=None, metadata=SAID_ONLY)
    meaning: str | None = field(default=None, metadata=LEGACY)
    """v1 only."""


@dataclass(frozen=True)
class Note(Signed):
    """v1 (b432834): the correct information (a correction), or the addendum (signed since 182ae73)."""

    WHAT: ClassVar[str] = "note"

    note: str


# ---- the controlled-substance record -----------------------------------------------------------------


@dataclass(frozen=True)
class DrugDrawn(EventData):
    """v1 (182ae73): lot, vial, strength, mL and mg drawn up. v2 (a5a959d): + ``vial_ml``, ``multi_dose``."""

    VERSION: ClassVar[int] = 2
    WHAT: ClassVar[str] = "draw-up"

    lot: str
    vial_id: str
    vial_label: str
    mg_per_ml: Decimal
    ml: Decimal
    mg: Decimal
    vial_ml: Decimal | None = None
    """None in v1: the protocol's vial of that id says it."""
    multi_dose: bool | None = None


@dataclass(frozen=True)
class DrugWasted(Signed):
    """v1 (182ae73): mg, how, ``witness_id`` (None without one). v2 (5f4bce4): the witness only as a
    signature. v3 (a5a959d): + ``vial_of``, the draw-up whose rest this is."""

    VERSION: ClassVar[int] = 3
    WHAT: ClassVar[str] = "waste"

    mg: Decimal
    how: str
    vial_of: str | None = field(default=None, metadata=SAID_ONLY)
    witness_id: str | None = field(default=None, metadata=LEGACY)
    """v1 only."""


@dataclass(frozen=True)
class DrugReturned(EventData):
    """v1 (a5a959d): the rest of a multi-dose vial back to stock."""

    WHAT: ClassVar[str] = "return to stock"

    vial_of: str
    lot: str
    vial_label: str
    mg: Decimal
    ml: Decimal


# ---- the patient's own stream ------------------------------------------------------------------------


@dataclass(frozen=True)
class DayNotGiven(EventData):
    """v1 (d11bc56, the first entry of a patient's stream): a day of the course with no infusion, on which
    date, and why, whether the patient's (missed) or the clinic's (cancelled): the course's record and its
    adherence (all-cause and the patient's own) count these."""

    WHAT: ClassVar[str] = "day not given"

    day: int
    on: str
    """The clinic's local date of that day, ISO."""
    reason: str


@dataclass(frozen=True)
class FormAnswers(StoredPart):
    """One PROMIS short form as the patient answered it: each item's scored value by the item's id (the
    wording is the copyright holder's and is never kept), and its score from the form's own table. A form
    not fully answered keeps its answers and no score: never pro-rated."""

    WHAT: ClassVar[str] = "form's answers"

    form_id: str
    answers: Mapping[str, int]
    """Item id -> scored value, for the items answered only."""
    answered: int
    of: int
    table: str | None
    """The table scored by, as the shipped file names it ("PI_4a_v1.0 (v1.0)"); None when not scorable."""
    tables_sha256: str | None
    """The shipped tables file the score came from, so a later file never passes for the one used."""
    raw: int | None
    t_score: Decimal | None
    se: Decimal | None
    to_verify: bool
    """The table was still to be checked against the HealthMeasures manual when this was scored."""


@dataclass(frozen=True)
class Assessed(EventData):
    """v1 (issue 16): outcome forms a patient answered, when, and how they were asked: at the chair, at a
    visit, by phone, or imported from a file the clinic kept. ``time_point`` is the protocol's time point
    of the course the answers were taken for when recorded (the outcome report works it out again from the
    dates, by its own stated rules); ``taken_on`` is the clinic's local date the patient answered."""

    WHAT: ClassVar[str] = "outcome assessment"

    time_point: str | None
    taken_on: str
    mode: str
    language: str
    forms: tuple[FormAnswers, ...]
    pain_intensity: int | None = None
    """The PROMIS-29 0-10 pain item, kept as its number (it has no T-score)."""


@dataclass(frozen=True)
class ContactRoute(EventData):
    """v1 (issue 16): how to reach the patient for follow-up questionnaires, as the patient gave it; the
    newest is in force, the earlier ones stay."""

    WHAT: ClassVar[str] = "contact route"

    phone: str
    preferred: str
    """One of ``core.outcomes.contact.WAYS``."""
    note: str | None = None
