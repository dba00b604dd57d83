"""The chair's patient banner, pinned above the step's page: who, which step, how long, and what is due.

It never scrolls with the page, so the nurse sees the patient's identifiers, the countdown and the next
task wherever she is on a page, as in the EHR banners she knows. It shows only what core has recorded.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout

from core.events import EventType as E
from core.machine import Step
from core.services import STEP_WORDS, ChairView, PatientView
from core.session_state import PointStatus, SessionState, VitalsPoint
from ui.style import mark
from ui.text import allergies_tone, allergies_words, clock_time, countdown, sex_and_age
from ui.widgets.forms import card, label, set_tone

CLOCK_STEPS = {Step.READY, Step.INFUSING, Step.PAUSED, Step.OBSERVE}
"""The steps whose banner shows a countdown: the infusion's, then the observation's."""


def identity_words(patient: PatientView, today: date) -> str:
    """Both identifiers, as the nurse compares them with the wristband, then sex and age."""
    return f"Born {patient.birth_date.isoformat()}  ·  {patient.mrn}  ·  {sex_and_age(patient, today)}"


def due_words(what: str, entry: VitalsPoint | None, attention: PointStatus | None) -> tuple[str, str | None]:
    """One line of the due block and its tone: amber when due, red when late, quiet when still to come."""
    if entry is None:
        return "", None
    when = f" (due {clock_time(entry.due_at)})" if entry.due_at else ""
    if attention is PointStatus.OVERDUE:
        return f"{what} overdue{when}", "act"
    if attention is PointStatus.DUE:
        return f"{what} due now{when}", "advise"
    return f"{what} next at {clock_time(entry.due_at)}" if entry.due_at else f"{what} next", "quiet"


class PatientBanner:
    """A card across the top of the chair: identity on the left, the countdown, then what is due."""

    def __init__(self, chair: int) -> None:
        self.widget = card("patient-banner")
        self.widget.setMaximumHeight(130)
        row = QHBoxLayout(self.widget)
        row.setContentsMargins(10, 4, 10, 4)
        row.setSpacing(16)

        who = QGridLayout()
        who.setVerticalSpacing(0)
        self.title = label(f"Chair {chair}", role="title", name=f"Chair {chair} title", wrap=False)
        self.name = label(role="title", name="Patient", wrap=False)
        self.ids = label(role="banner-ids", name="Patient identifiers")
        self.details = label(role="banner-ids", name="Patient allergies")
        self.step = label(role="heading", name="Step", wrap=False)
        who.addWidget(self.title, 0, 0)
        who.addWidget(self.name, 0, 1)
        who.addWidget(self.ids, 1, 1)
        who.addWidget(self.details, 2, 1)
        who.addWidget(self.step, 3, 1)
        who.setColumnStretch(1, 1)
        who.setHorizontalSpacing(14)
        row.addLayout(who, 1)

        self.clock = card("banner-clock")
        clock = QVBoxLayout(self.clock)
        clock.setContentsMargins(10, 2, 10, 2)
        clock.setSpacing(0)
        self.clock_caption = label(role="banner-caption", name="Time left caption", wrap=False)
        self.time = label("--:--", role="banner-countdown", name="Time left", wrap=False)
        self.time_detail = label(role="banner-caption", name="Time left detail", wrap=False)
        for widget in (self.clock_caption, self.time, self.time_detail):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            clock.addWidget(widget)
        row.addWidget(self.clock)

        self.due = due = QVBoxLayout()
        due.setSpacing(4)
        self.vitals_due = label(name="Next vital signs")
        self.side_effects_due = label(name="Next side-effect check")
        due.addStretch(1)
        due.addWidget(self.vitals_due)
        due.addWidget(self.side_effects_due)
        due.addStretch(1)
        row.addLayout(due, 1)

    def show_view(self, view: ChairView | None, now: datetime) -> None:
        state = view.state if view else None
        if view is None or state is None:
            self.name.setText("Empty")
            for widget in (self.ids, self.details, self.step, self.clock, self.vitals_due, self.side_effects_due):
                widget.hide()
            return
        self.name.setText(view.patient.full_name)
        self.ids.setText(identity_words(view.patient, now.astimezone().date()))
        # Allergies as registration recorded them: unasked or listed, they stand out.
        self.details.setText(allergies_words(view.patient))
        set_tone(self.details, allergies_tone(view.patient))
        day = f" · day {state.course_day} of {state.course_days}" if state.course_day else ""
        self.step.setText(STEP_WORDS[state.step] + day)
        for widget in (self.ids, self.details, self.step):
            widget.show()
        self._show_clock(state, now)
        self._show_due(state)

    def _show_clock(self, state: SessionState, now: datetime) -> None:
        """Large digits, with what they count to; a pause is amber and says since when and why."""
        infusion = state.infusion
        self.clock.setVisible(state.step in CLOCK_STEPS)
        tone = None
        if state.step is Step.READY:
            caption, left, detail = "Ready — infusion time", infusion.remaining, "starts with the infusion"
        elif state.step is Step.PAUSED:
            paused_at = next((e.occurred_at for e in reversed(state.events) if e.type is E.PAUSED), now)
            minutes = max(0, int((now - paused_at).total_seconds() // 60))
            caption, left, tone = "PAUSED — time left", infusion.remaining, "paused"
            detail = f"for {minutes} min: {infusion.pause_reason or ''}"
        elif state.step is Step.INFUSING and infusion.remaining > timedelta():
            caption, left, detail = "Infusing — time left", infusion.remaining, f"ends {clock_time(infusion.ends_at)}"
        elif state.step is Step.INFUSING:
            caption, left, tone = "Infusion time is over", timedelta(), "over"
            detail = "stop the pump, then Infusion complete"
        elif state.observation_left > timedelta():
            caption, left = "Observation — time left", state.observation_left
            detail = f"discharge from {clock_time(state.discharge_earliest)}"
        else:
            caption, left = "Observation time over", timedelta()
            detail = f"since {clock_time(state.discharge_earliest)}"
        self.clock_caption.setText(caption)
        self.time.setText(countdown(left))
        self.time_detail.setText(detail)
        mark(self.clock, "state", tone)

    def _show_due(self, state: SessionState) -> None:
        for widget, (text, tone) in (
            (self.vitals_due, due_words("Vital signs", state.next_vitals, state.vitals_attention)),
            (self.side_effects_due, due_words("Side effects", state.next_side_effects, state.side_effects_attention)),
        ):
            widget.setText(text)
            set_tone(widget, tone)
            widget.setVisible(bool(text))
