"""The infusion protocol: every clinical number, loaded from one data file and validated.

The file is the only place a dose, a limit, a schedule or a threshold is written down. It is checked
in full when it is loaded; a file with any problem is refused with a message naming each bad field,
and no session can start until it is fixed — guessing a clinical number is never acceptable.
"""

from __future__ import annotations

import hashlib
import string
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.errors import ProtocolError
from core.paths import resource_path

DEFAULT_PROTOCOL_FILE = "protocols/ketamine-low-dose-5day.toml"


class Basis(StrEnum):
    """Where a value's authority comes from (see the clinical reference)."""

    STUDY = "study"
    LABEL = "label"
    REGULATION = "regulation"
    CONSENSUS = "consensus"
    EVIDENCE = "evidence"
    CLINIC_POLICY = "clinic_policy"


class _Strict(BaseModel):
    """Unknown keys are refused, so a misspelt field is an error rather than a silent default. Each model's
    validation is built when it is first used (``defer_build``): a start takes the already validated
    protocol from its cache (``core.protocol_cache``) and validates nothing."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class _Sourced(_Strict):
    basis: Basis


Positive = Annotated[Decimal, Field(gt=0)]
Minutes = Annotated[int, Field(ge=0, le=24 * 60)]


class Dose(_Sourced):
    mg_per_kg: Positive
    infusion_minutes: Annotated[int, Field(gt=0, le=24 * 60)]


class Course(_Sourced):
    sessions: Annotated[int, Field(ge=1, le=60)]
    consecutive_days: bool


class WeightRules(_Sourced):
    dosing_basis: Literal["actual"]
    reject_below_kg: Positive
    reject_above_kg: Positive
    advise_below_kg: Positive
    advise_above_kg: Positive
    advise_change_percent: Positive

    @model_validator(mode="after")
    def _ordered(self) -> WeightRules:
        if not (self.reject_below_kg < self.advise_below_kg < self.advise_above_kg < self.reject_above_kg):
            raise ValueError("must satisfy reject_below_kg < advise_below_kg < advise_above_kg < reject_above_kg")
        return self


class DoseLimits(_Sourced):
    soft_max_mg: Positive
    hard_max_mg: Positive

    @model_validator(mode="after")
    def _ordered(self) -> DoseLimits:
        if self.soft_max_mg >= self.hard_max_mg:
            raise ValueError("soft_max_mg must be below hard_max_mg")
        return self


class Vial(_Sourced):
    id: str
    label: str
    mg_per_ml: Positive
    vial_ml: Positive
    must_dilute: bool = False
    multi_dose: bool = False
    """What is left after drawing up may go back to stock; the rest of a single-dose vial is wasted."""


class Preparation(_Sourced):
    default_vial: str
    diluent: str
    bag_ml: Positive
    remove_drug_volume_first: bool


def _step(value: str) -> Decimal:
    step = Decimal(value)
    if step <= 0 or step.as_tuple().digits != (1,):
        raise ValueError("must be a power of ten such as 0.1 or 0.01, written as a string")
    return step


class Rounding(_Sourced):
    """Steps as strings ("0.1") so the file states exactly the decimal the nurse sees."""

    dose_mg: Decimal
    volume_ml: Decimal
    concentration_mg_per_ml: Decimal
    rate_ml_per_h: Decimal

    @field_validator("dose_mg", "volume_ml", "concentration_mg_per_ml", "rate_ml_per_h", mode="before")
    @classmethod
    def _power_of_ten(cls, value: object) -> Decimal:
        if not isinstance(value, str):
            raise ValueError('must be written as a quoted decimal, such as "0.1"')
        return _step(value)


class PumpRules(_Sourced):
    """The pump programmed and checked before the start: the VTBI's step and whether a second nurse reads it."""

    vtbi_ml: Decimal
    second_nurse: Literal["optional", "required"]

    @field_validator("vtbi_ml", mode="before")
    @classmethod
    def _power_of_ten(cls, value: object) -> Decimal:
        if not isinstance(value, str):
            raise ValueError('must be written as a quoted decimal, such as "0.1"')
        return _step(value)


class Phase(StrEnum):
    BEFORE = "before"
    INFUSION = "infusion"
    OBSERVATION = "observation"


class SchedulePoint(_Strict):
    id: str
    phase: Phase
    minutes: Minutes
    label: str


class VitalsSchedule(_Sourced):
    baseline_within_minutes: Minutes
    due_early_minutes: Minutes
    overdue_after_minutes: Annotated[int, Field(gt=0, le=120)]
    points: list[SchedulePoint]
    partial_reasons: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]
    """Why a set may lack a reading (the patient asleep, refusing…): the nurse picks one, never types it."""

    @model_validator(mode="after")
    def _sane(self) -> VitalsSchedule:
        ids = [p.id for p in self.points]
        if len(set(ids)) != len(ids):
            raise ValueError("point ids must be unique")
        if len(set(self.partial_reasons)) != len(self.partial_reasons):
            raise ValueError("partial_reasons must be unique")
        if sum(p.phase is Phase.BEFORE for p in self.points) != 1:
            raise ValueError("exactly one point must have phase 'before' (the baseline set)")
        return self


class VitalKind(StrEnum):
    SYSTOLIC = "systolic"
    DIASTOLIC = "diastolic"
    HEART_RATE = "heart_rate"
    RESPIRATORY_RATE = "respiratory_rate"
    SPO2 = "spo2"
    SEDATION = "sedation"
    TEMPERATURE = "temperature"


class OtherUnit(_Strict):
    """Values that are impossible in the vital's unit but ordinary in another: the likeliest entry error."""

    unit: str
    low: Decimal
    high: Decimal


class VitalThresholds(_Sourced):
    label: str
    unit: str
    optional: bool = False
    """Taken only when the nurse sees a reason: a set without it is complete, not partial."""
    decimals: Annotated[int, Field(ge=0, le=2)] = 0
    """Decimal places the reading is recorded to (a temperature to 0.1, the others whole)."""
    other_unit: OtherUnit | None = None
    reject_below: Decimal
    reject_above: Decimal
    advise_below: Decimal | None = None
    advise_above: Decimal | None = None
    act_below: Decimal | None = None
    act_above: Decimal | None = None
    start_below: Decimal | None = None
    start_above: Decimal | None = None
    advise_rise: Decimal | None = None
    act_rise: Decimal | None = None
    act_instruction: str | None = None
    """What an act-now alarm on this vital tells the nurse to do (the protocol's words, not the code's)."""
    min_pulse_pressure_mmhg: Decimal | None = None
    """Diastolic only: how far it should lie below systolic. A blood pressure closer than this is recorded
    and flagged (a narrow pulse pressure, or two readings typed together); None flags nothing."""

    @model_validator(mode="after")
    def _tiers_nest(self) -> VitalThresholds:
        """Act-now bounds sit outside advisory ones, and both inside the impossible ones."""
        lows = [v for v in (self.reject_below, self.act_below, self.advise_below) if v is not None]
        highs = [v for v in (self.advise_above, self.act_above, self.reject_above) if v is not None]
        if lows != sorted(lows) or highs != sorted(highs) or max(lows) >= min(highs):
            raise ValueError(
                "bounds must nest: reject_below < act_below < advise_below < advise_above < act_above < reject_above"
            )
        if self.advise_rise is not None and self.act_rise is not None and self.act_rise <= self.advise_rise:
            raise ValueError("act_rise must be larger than advise_rise")
        other = self.other_unit
        if other is not None and not (
            other.low <= other.high and (other.low > self.reject_above or other.high < self.reject_below)
        ):
            raise ValueError("other_unit: low <= high, outside reject_below–reject_above (a possible value is kept)")
        return self


class ScaleLevel(_Strict):
    score: int
    term: str


class SedationScale(_Sourced):
    id: str
    name: str
    levels: list[ScaleLevel]


Answer = Literal["yes", "no", "unknown"]


class Asked(StrEnum):
    """When a screening question is asked: the course-start checklist once a course, the re-check always."""

    COURSE_START = "course_start"
    EVERY_SESSION = "every_session"


class ScreeningQuestion(_Strict):
    id: str
    asked: Asked
    text: str
    stop_if: list[Answer]


class Screening(_Sourced):
    questions: Annotated[list[ScreeningQuestion], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique(self) -> Screening:
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError("question ids must be unique")
        if not any(q.asked is Asked.EVERY_SESSION for q in self.questions):
            raise ValueError("at least one question must be asked at every session")
        return self


Reason = Annotated[str, Field(min_length=1, max_length=60)]


class Reasons(_Sourced):
    """Reasons offered from a list so that records can be counted; "other" with the nurse's own words is
    always offered beside them, so it is not one of them."""

    pause: Annotated[list[Reason], Field(min_length=1)]
    stop_early: Annotated[list[Reason], Field(min_length=1)]

    @field_validator("pause", "stop_early")
    @classmethod
    def _distinct(cls, reasons: list[str]) -> list[str]:
        words = [reason.strip().rstrip("….").strip().lower() for reason in reasons]
        if "" in words or "other" in words:
            raise ValueError('reasons must not be blank or "other" (offered anyway, with words)')
        if len(set(words)) != len(words):
            raise ValueError("reasons must be unique")
        return reasons


class Grade(_Strict):
    id: str
    label: str
    ctcae: Annotated[int, Field(ge=0, le=5)]


class SideEffectItem(_Strict):
    id: str
    label: str
    group: str
    snomed: str | None = None


class SideEffects(_Sourced):
    grades: Annotated[list[Grade], Field(min_length=2)]
    """Mildest first: the first (CTCAE 0) means the item was looked for and is absent."""
    act_at_grade: str
    act_instruction: dict[Phase, str]
    """What to do about a severe effect, by phase: "pause the infusion" is wrong once it has ended."""
    items: Annotated[list[SideEffectItem], Field(min_length=1)]

    @model_validator(mode="after")
    def _known_grade(self) -> SideEffects:
        ids = [g.id for g in self.grades]
        if len(set(ids)) != len(ids):
            raise ValueError("grade ids must be unique")
        ranks = [g.ctcae for g in self.grades]
        if ranks[0] != 0 or ranks != sorted(set(ranks)):
            raise ValueError("grades must run from CTCAE 0 (none) upwards, each more severe than the last")
        if self.act_at_grade not in ids[1:]:
            raise ValueError(f"act_at_grade {self.act_at_grade!r} is not one of the grades above {ids[0]!r}")
        missing = [phase.value for phase in Phase if not self.act_instruction.get(phase, "").strip()]
        if missing:
            raise ValueError(f"act_instruction needs words for {', '.join(missing)}")
        return self

    @property
    def none_grade(self) -> str:
        """The grade that says "looked for, not present": what "No side effects" records for every item."""
        return self.grades[0].id

    @property
    def act_grades(self) -> frozenset[str]:
        """The grades that need the protocol's action and an adverse-event record: act_at_grade and worse."""
        ids = [g.id for g in self.grades]
        return frozenset(ids[ids.index(self.act_at_grade) :])


class SideEffectsSchedule(_Sourced):
    """When the checklist is asked for. Points come in time order, because a check answers the earliest
    point owed; there is no "before" point, since side effects are looked for once the drug is running."""

    due_early_minutes: Minutes
    overdue_after_minutes: Annotated[int, Field(gt=0, le=120)]
    points: Annotated[list[SchedulePoint], Field(min_length=1)]

    @model_validator(mode="after")
    def _sane(self) -> SideEffectsSchedule:
        ids = [p.id for p in self.points]
        if len(set(ids)) != len(ids):
            raise ValueError("point ids must be unique")
        if any(p.phase is Phase.BEFORE for p in self.points):
            raise ValueError("points must have phase 'infusion' or 'observation'")
        order = [(p.phase is Phase.OBSERVATION, p.minutes) for p in self.points]
        if order != sorted(set(order)):
            raise ValueError("points must be in time order: infusion points first, then observation, by minutes")
        return self


class AlertEffect(StrEnum):
    """What Chairside records along with an alarm's acknowledgement when the nurse names the action."""

    PAUSE = "pause"
    STOP = "stop"
    RECHECK = "recheck"


class AlertAction(_Strict):
    id: str
    label: str
    effect: AlertEffect | None = None
    needs_note: bool = False
    vitals: list[VitalKind] | None = None
    """Offered only for alarms on these vitals; None offers it for every alarm."""


class SymptomQuestion(_Strict):
    id: str
    text: str
    vitals: list[VitalKind] | None = None
    """Asked only for alarms on these vitals; None asks it for every alarm."""


class AlertResponse(_Sourced):
    """What acknowledging an act-now alarm records: the action(s) taken and the symptoms asked about."""

    recheck_minutes: Annotated[int, Field(gt=0, le=120)]
    actions: Annotated[list[AlertAction], Field(min_length=1)]
    symptoms: list[SymptomQuestion]

    @model_validator(mode="after")
    def _sane(self) -> AlertResponse:
        for what, ids in (("actions", [a.id for a in self.actions]), ("symptoms", [s.id for s in self.symptoms])):
            if len(set(ids)) != len(ids):
                raise ValueError(f"{what}: ids must be unique")
        effects = [a.effect for a in self.actions if a.effect is not None]
        if len(set(effects)) != len(effects):
            raise ValueError("actions: each effect (pause, stop, recheck) may belong to one action only")
        return self


AlarmPriority = Literal["low", "medium", "high"]
"""An alarm priority of IEC 60601-1-8, as ``core.attention.Priority`` spells it."""
_PRIORITY_RANK = {"low": 1, "medium": 2, "high": 3}


class Escalation(_Sourced):
    """How a need nobody has answered rises with time (``core.attention`` applies it): due, overdue and
    missed for scheduled sets and checks, a pause's length, and the time run over without "complete"."""

    missed_after_minutes: Annotated[int, Field(gt=0, le=240)]
    missed_priority: AlarmPriority
    missed_sets_high: Annotated[int, Field(ge=1, le=10)]
    recheck_missed_priority: AlarmPriority
    pause_priority: AlarmPriority
    pause_limit_minutes: Annotated[int, Field(gt=0, le=240)]
    overrun_medium_after_minutes: Annotated[int, Field(ge=0, le=240)]
    overrun_high_after_minutes: Annotated[int, Field(gt=0, le=240)]

    @model_validator(mode="after")
    def _rises(self) -> Escalation:
        if _PRIORITY_RANK[self.missed_priority] < _PRIORITY_RANK["medium"]:
            raise ValueError("missed_priority: a missed set is never quieter than an overdue one (medium)")
        if _PRIORITY_RANK[self.recheck_missed_priority] < _PRIORITY_RANK[self.missed_priority]:
            raise ValueError("recheck_missed_priority: a missed recheck after an alarm is at least missed_priority")
        if _PRIORITY_RANK[self.pause_priority] < _PRIORITY_RANK["medium"]:
            raise ValueError("pause_priority: a paused infusion is at least medium")
        if self.overrun_high_after_minutes <= self.overrun_medium_after_minutes:
            raise ValueError("overrun_high_after_minutes: must come after overrun_medium_after_minutes")
        return self


class Observation(_Sourced):
    minimum_minutes: Minutes


class DischargeCriterion(_Strict):
    id: str
    text: str
    paper: str | None = None
    """The words of the downtime paper form, where the screen's do not hold on paper (say what the nurse
    does, not what the computer does); the screen's words when left out."""

    @property
    def on_paper(self) -> str:
        return self.paper or self.text


class Discharge(_Sourced):
    score_name: str
    score_min: int
    score_max: int
    score_threshold: int
    criteria: list[DischargeCriterion]


class Contradiction(_Strict):
    """What in the record contradicts one discharge criterion: the latest grade of any of ``side_effects``
    above ``above_grade``, or the latest set of vital signs with any of ``vitals`` (all, when empty) at one
    of ``vital_tiers``."""

    criterion: str
    side_effects: list[str] = []
    above_grade: str | None = None
    vitals: list[VitalKind] = []
    vital_tiers: list[Literal["advise", "act"]] = []

    @model_validator(mode="after")
    def _says_something(self) -> Contradiction:
        if not self.side_effects and not self.vital_tiers:
            raise ValueError(f"{self.criterion}: name side_effects (with above_grade) or vital_tiers")
        if self.side_effects and self.above_grade is None:
            raise ValueError(f"{self.criterion}: side_effects need above_grade (the grade that still agrees)")
        return self


class DischargeContradictions(_Sourced):
    rules: list[Contradiction]


class RecordLine(_Strict):
    """A sentence of the going-home sheet printed only when the record agrees with it: ``if_met`` names a
    discharge criterion the record shows was met (ticked at discharge, and nothing recorded contradicts
    it), ``if_not_met`` one it does not. One of the two, never both."""

    text: Annotated[str, Field(min_length=1)]
    if_met: str | None = None
    if_not_met: str | None = None

    @model_validator(mode="after")
    def _one_condition(self) -> RecordLine:
        if (self.if_met is None) == (self.if_not_met is None):
            raise ValueError("a conditional line names one criterion, in if_met or in if_not_met")
        return self

    @property
    def criterion(self) -> str:
        return self.if_met or self.if_not_met or ""

    def holds(self, met: frozenset[str]) -> bool:
        return self.criterion in met if self.if_met else self.criterion not in met


class InstructionSection(_Strict):
    heading: str
    lines: Annotated[list[Annotated[str, Field(min_length=1)] | RecordLine], Field(min_length=1)]

    def lines_for(self, met: frozenset[str]) -> list[str]:
        """The section's sentences for a patient whose record shows ``met`` discharge criteria met."""
        return [line if isinstance(line, str) else line.text for line in self.lines if _prints(line, met)]


def _prints(line: str | RecordLine, met: frozenset[str]) -> bool:
    return isinstance(line, str) or line.holds(met)


SESSION_WORDS = {
    "given": frozenset({"drug", "given_mg"}),
    "course_day": frozenset({"day", "days"}),
    "ended": frozenset({"ended_at"}),
    "stopped_early": frozenset({"minutes_infused", "minutes"}),
    "next_session": frozenset({"next_day", "days"}),
    "last_session": frozenset(),
}
"""The sentences about today's session, each with the blanks it may have filled from the record."""


def _blanks(template: str) -> set[str]:
    names = set()
    for _literal, name, spec, conversion in string.Formatter().parse(template):
        if name is not None and (not name.isidentifier() or spec or conversion):
            raise ValueError(f"{{{name}}} is not a blank Chairside fills: write {{name}} with a known name")
        if name:
            names.add(name)
    return names


class DischargeInstructions(_Sourced):
    """The sheet the patient and escort take home: every sentence is the protocol's, so the medical
    director reviews the words a patient reads, not only the numbers a nurse sees. The sentences about
    today have blanks in braces, filled from the session (``SESSION_WORDS`` lists which)."""

    title: str
    today_heading: str
    given: str
    course_day: str
    ended: str
    stopped_early: str
    next_session: str
    last_session: str
    sections: Annotated[list[InstructionSection], Field(min_length=1)]
    call_clinic: InstructionSection
    emergency: InstructionSection

    @model_validator(mode="after")
    def _known_blanks(self) -> DischargeInstructions:
        for name, allowed in SESSION_WORDS.items():
            try:
                unknown = _blanks(getattr(self, name)) - allowed
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None
            if unknown:
                known = ", ".join(f"{{{word}}}" for word in sorted(allowed)) or "none"
                raise ValueError(f"{name}: unknown blank {', '.join(sorted(unknown))}; it may use {known}")
        return self


class Anchor(StrEnum):
    FIRST_INFUSION = "first_infusion"
    """The moment the course's first infusion began: a baseline answered after it is no baseline."""
    LAST_INFUSION = "last_infusion"
    """The day of the course's last infusion."""


class TimePoint(_Sourced):
    """When a course's outcome forms are asked: ``offset_days`` from the anchor, answered within the window
    from ``days_before`` before that day to ``days_after`` after it."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    label: str
    anchor: Anchor
    offset_days: Annotated[int, Field(ge=0, le=3660)]
    days_before: Annotated[int, Field(ge=0, le=366)]
    days_after: Annotated[int, Field(ge=0, le=366)]

    @property
    def is_baseline(self) -> bool:
        return self.anchor is Anchor.FIRST_INFUSION

    @property
    def is_follow_up(self) -> bool:
        """After the course has ended: what the due list chases and the clinic's report calls follow-up."""
        return self.anchor is Anchor.LAST_INFUSION and self.offset_days > 0


class Mcid(_Sourced):
    """The smallest change in T-score points on one PROMIS domain taken as meaningful, and where it is from."""

    domain: str
    t_points: Positive
    source: str


class PainIntensityMcid(_Sourced):
    points: Positive
    source: str


class Outcomes(_Sourced):
    """The PROMIS forms a course is judged by, when they are asked and what change is meaningful."""

    forms: Annotated[list[str], Field(min_length=1)]
    pain_intensity: bool
    reliable_change_z: Positive
    repeat_within_days: Annotated[int, Field(gt=0, le=3660)]
    time_points: Annotated[list[TimePoint], Field(min_length=1)]
    mcid: list[Mcid]
    pain_intensity_mcid: PainIntensityMcid | None = None

    @model_validator(mode="after")
    def _sane(self) -> Outcomes:
        if len(set(self.forms)) != len(self.forms):
            raise ValueError("outcomes.forms: a form is named twice")
        ids = [point.id for point in self.time_points]
        if len(set(ids)) != len(ids):
            raise ValueError("outcomes.time_points: ids must be unique")
        if [point for point in self.time_points if point.is_baseline][:1] != self.time_points[:1]:
            raise ValueError("outcomes.time_points: the first time point is the baseline (anchor first_infusion)")
        if sum(point.is_baseline for point in self.time_points) != 1:
            raise ValueError("outcomes.time_points: exactly one baseline (anchor first_infusion)")
        domains = [m.domain for m in self.mcid]
        if len(set(domains)) != len(domains):
            raise ValueError("outcomes.mcid: a domain is named twice")
        return self

    @property
    def baseline(self) -> TimePoint:
        return self.time_points[0]

    def time_point(self, point_id: str) -> TimePoint:
        for point in self.time_points:
            if point.id == point_id:
                return point
        raise KeyError(point_id)

    def mcid_for(self, domain: str) -> Decimal | None:
        for m in self.mcid:
            if m.domain == domain:
                return m.t_points
        return None


class Protocol(_Strict):
    """A validated protocol. ``content_hash`` is the SHA-256 of the file's bytes and ``text`` the file itself,
    both set by the loader: the text is kept with the records, so a session replays under its own rules."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    version: Annotated[str, Field(pattern=r"^\d+\.\d+\.\d+$")]
    name: str
    drug: str
    dose: Dose
    course: Course
    weight: WeightRules
    dose_limits: DoseLimits
    vials: Annotated[list[Vial], Field(min_length=1)]
    preparation: Preparation
    rounding: Rounding
    pump: PumpRules
    vitals_schedule: VitalsSchedule
    vitals: dict[VitalKind, VitalThresholds]
    sedation_scale: SedationScale
    screening: Screening
    reasons: Reasons
    side_effects: SideEffects
    side_effects_schedule: SideEffectsSchedule
    alert_response: AlertResponse
    observation: Observation
    discharge: Discharge
    discharge_instructions: DischargeInstructions
    discharge_contradictions: DischargeContradictions | None = None
    escalation: Escalation
    outcomes: Outcomes
    content_hash: str = ""
    text: str = Field(default="", repr=False)

    @model_validator(mode="after")
    def _cross_checks(self) -> Protocol:
        vial_ids = [v.id for v in self.vials]
        if len(set(vial_ids)) != len(vial_ids):
            raise ValueError("vials: ids must be unique")
        if self.preparation.default_vial not in vial_ids:
            raise ValueError(f"preparation.default_vial {self.preparation.default_vial!r} is not a vial id")
        missing = set(VitalKind) - set(self.vitals)
        gapped = [k.value for k, v in self.vitals.items() if v.min_pulse_pressure_mmhg is not None]
        if gapped and gapped != [VitalKind.DIASTOLIC.value]:
            raise ValueError("vitals: min_pulse_pressure_mmhg belongs to diastolic only")
        if missing:
            raise ValueError(f"vitals: missing {', '.join(sorted(missing))}")
        return self

    @model_validator(mode="after")
    def _side_effects_fit(self) -> Protocol:
        """Infusion points must be reached by a full infusion, and discharge waits only for points that have
        come due: without an observation point by the earliest discharge, nobody would ask before it."""
        schedule = self.side_effects_schedule
        if any(p.phase is Phase.INFUSION and p.minutes >= self.dose.infusion_minutes for p in schedule.points):
            raise ValueError("side_effects_schedule: infusion points must come before dose.infusion_minutes")
        if not any(
            p.phase is Phase.OBSERVATION and p.minutes <= self.observation.minimum_minutes for p in schedule.points
        ):
            raise ValueError(
                "side_effects_schedule: needs an observation point at or before observation.minimum_minutes, "
                "so the checklist is done before the earliest discharge"
            )
        return self

    @model_validator(mode="after")
    def _discharge_words_fit(self) -> Protocol:
        """Contradictions and the going-home sheet's conditional lines name criteria, items and grades the
        protocol has: a misspelt id would silently never contradict, or never print."""
        criteria = {c.id for c in self.discharge.criteria}
        items = {i.id for i in self.side_effects.items}
        grades = [g.id for g in self.side_effects.grades]
        rules = self.discharge_contradictions.rules if self.discharge_contradictions else []
        for rule in rules:
            if rule.criterion not in criteria:
                raise ValueError(f"discharge_contradictions: {rule.criterion!r} is not a discharge criterion")
            unknown = sorted(set(rule.side_effects) - items)
            if unknown:
                raise ValueError(f"discharge_contradictions: {', '.join(unknown)} not side-effect items")
            if rule.above_grade is not None and rule.above_grade not in grades[:-1]:
                raise ValueError(f"discharge_contradictions: {rule.above_grade!r} is not a grade below the worst")
        words = self.discharge_instructions
        for section in [*words.sections, words.call_clinic, words.emergency]:
            for line in section.lines:
                if isinstance(line, RecordLine) and line.criterion not in criteria:
                    raise ValueError(f"discharge_instructions: {line.criterion!r} is not a discharge criterion")
        return self

    @model_validator(mode="after")
    def _outcome_forms_scored(self) -> Protocol:
        """Every outcome form has its scoring table shipped and an MCID for its domain: a form that could
        not be scored, or whose change could not be judged, is refused when the protocol loads, not when
        the first patient answers it."""
        from core.promis import shipped  # when a file is parsed: a start from the cache validates nothing

        tables = shipped()
        for form_id in self.outcomes.forms:
            form = tables.forms.get(form_id)
            if form is None:
                raise ValueError(f"outcomes.forms: Chairside ships no scoring table for {form_id}")
            if self.outcomes.mcid_for(form.domain) is None:
                raise ValueError(f"outcomes.mcid: no MCID for {form.domain} (form {form_id})")
        return self

    def vial(self, vial_id: str) -> Vial:
        for vial in self.vials:
            if vial.id == vial_id:
                return vial
        raise KeyError(vial_id)

    @property
    def reference(self) -> str:
        """What a session stores and prints to say which protocol it ran under."""
        return f"{self.id} v{self.version} (sha256 {self.content_hash[:12]})"


def _describe(error: ValidationError) -> list[str]:
    lines = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]) or "(whole file)"
        lines.append(f"{where}: {problem['msg']}")
    return lines


def parse_protocol(data: bytes, source: str, missing_from: Protocol | None = None) -> Protocol:
    """Validate protocol bytes; ``source`` names the file in any error message.

    ``missing_from`` is for replaying an earlier version: a whole section that version did not have yet
    (a rule added later) is taken from the given protocol, since nothing in the old version can say
    otherwise; every value the old version did state is kept as it was.
    """
    import tomllib  # only when the file is parsed: a start from the cache reads JSON

    advice = "Correct the protocol file (or restore the clinic's approved copy) and restart Chairside."
    try:
        text = data.decode("utf-8")
        raw = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProtocolError(f"The protocol file {source} cannot be read: {exc}.", advice) from exc
    raw.pop("content_hash", None)
    raw.pop("text", None)
    if missing_from is not None:
        later = missing_from.model_dump(mode="json", exclude={"content_hash", "text"})
        raw = {**{key: value for key, value in later.items() if key not in raw}, **raw}
    try:
        protocol = Protocol.model_validate(raw)
    except ValidationError as exc:
        problems = "\n".join(f"  • {line}" for line in _describe(exc))
        raise ProtocolError(f"The protocol file {source} has problems:\n{problems}", advice) from exc
    return protocol.model_copy(update={"content_hash": hashlib.sha256(data).hexdigest(), "text": text})


def read_protocol_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ProtocolError(
            f"The protocol file {path} cannot be opened ({exc.strerror}).",
            "Restore the protocol file from the installation or the clinic's approved copy.",
        ) from exc


def load_protocol(path: Path | None = None) -> Protocol:
    """Load and validate a protocol file (the shipped one when no path is given). The app's start goes
    through ``core.protocol_cache``, which gives the same protocol without parsing an unchanged file."""
    path = path or resource_path(DEFAULT_PROTOCOL_FILE)
    return parse_protocol(read_protocol_file(path), str(path))
