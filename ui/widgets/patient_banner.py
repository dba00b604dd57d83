"""The chair's patient banner, pinned above the step's page: who, which step, how long, and what is due.

It never scrolls with the page, so the nurse sees the patient's identifiers, the countdown and the next
task wherever she is on a page, as in the EHR banners she knows. It shows only what core has recorded.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout

from core.board import countdown as core_countdown
from core.board import course_day
from core.machine import Step
from core.services import STEP_WORDS, ChairView, PatientView
from core.session_state import PointStatus, SessionState, VitalsPoint
from ui.style import mark
from ui.text import allergies_tone, allergies_words, clock_time, countdown, sex_and_age
from ui.widgets.elided import Elided
from ui.widgets.forms import card, label, set_tone

DUE_WIDTH = 260
"""The widest a due line may be, in pixels: the patient's identifiers keep their room beside it."""
DUE_MIN_WIDTH = 170
"""The narrowest a due line may be, in pixels: its time and what is due stay whole."""


def identity_words(patient: PatientView, today: date) -> str:
    """Both identifiers, as the nurse compares them with the wristband, then sex and age."""
    return f"Born {patient.birth_date.isoformat()}  ·  {patient.mrn}  ·  {sex_and_age(patient, today)}"


def due_words(what: str, entry: VitalsPoint | None, attention: PointStatus | None) -> tuple[str, str | None]:
    """One short line of the due block and its tone: amber when due, red when late, quiet when to come.
    The clock time leads, so a line cut short on a narrow banner still says when."""
    if entry is None:
        return "", None
    when = clock_time(entry.due_at) if entry.due_at else ""
    if attention is PointStatus.OVERDUE:
        return f"{when} {what} OVERDUE".strip(), "act"
    if attention is PointStatus.DUE:
        return f"{when} {what} due now".strip(), "advise"
    if entry.due_at is None:
        return f"{what} next: {entry.point.label.lower()}", "quiet"
    return f"{when} {what} next", "quiet"


class PatientBanner:
    """A card across the top of the chair: identity on the left, the countdown, then what is due."""

    def __init__(self, chair: int) -> None:
        self.widget = card("patient-banner")
        self.widget.setMaximumHeight(130)
        row = QHBoxLayout(self.widget)
        row.setContentsMargins(10, 4, 10, 4)
        row.setSpacing(8)

        who = QGridLayout()
        who.setVerticalSpacing(0)
        self.title = label(f"Chair {chair}", role="title", name=f"Chair {chair} title", wrap=False)
        self.name = Elided("title", "Patient")  # the longest name never widens the window past the screen
        self.ids = label(role="banner-ids", name="Patient identifiers")
        self.details = label(role="banner-ids", name="Patient allergies")
        self.step = label(role="heading", name="Step", wrap=False)
        who.addWidget(self.title, 0, 0)
        who.addWidget(self.name, 0, 1)
        who.addWidget(self.ids, 1, 1)
        who.addWidget(self.details, 2, 1)
        who.addWidget(self.step, 3, 1)
        who.setColumnStretch(1, 1)
        who.setHorizontalSpacing(8)
        row.addLayout(who, 3)  # the identifiers come first: they take the room they need

        self.clock = card("banner-clock")
        clock = QVBoxLayout(self.clock)
        clock.setContentsMargins(10, 2, 10, 2)
        clock.setSpacing(0)
        self.clock_caption = label(role="banner-caption", name="Time left caption", wrap=False)
        self.time = label("--:--", role="banner-countdown", name="Time left", wrap=False)
        self.time_detail = Elided("banner-caption", "Time left detail")  # a long pause reason is cut short
        for widget in (self.clock_caption, self.time, self.time_detail):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            clock.addWidget(widget)
        row.addWidget(self.clock)

        self.due = due = QVBoxLayout()
        due.setSpacing(4)
        # One line each, cut short with the words whole in the tooltip: the banner's height holds.
        self.vitals_due = Elided(None, "Next vital signs")
        self.side_effects_due = Elided(None, "Next side-effect check")
        for line in (self.vitals_due, self.side_effects_due):
            line.setMinimumWidth(DUE_MIN_WIDTH)  # "00:54 Side effects OVERDUE" whole
            line.setMaximumWidth(DUE_WIDTH)
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
        day = f" · {course_day(state)}" if state.course_day else ""
        self.step.setText(STEP_WORDS[state.step] + day)
        for widget in (self.ids, self.details, self.step):
            widget.show()
        self._show_clock(state, now)
        self._show_due(state)

    def _show_clock(self, state: SessionState, now: datetime) -> None:
        """Large digits, with what they count to, read from core's one countdown (as the board's tile and
        the chair list): a pause is amber and says how long and why; time run over counts on in red."""
        clock = core_countdown(state, now)
        self.clock.setVisible(clock is not None or state.step is Step.READY)
        if clock is None:  # ready: the infusion's length, still to run
            self._set_clock("Ready — infusion time", countdown(state.infusion.remaining), "starts with the infusion")
            mark(self.clock, "state", None)
            return
        step = "Observation" if state.step is Step.OBSERVE else "Infusion"
        if clock.paused_for is not None:
            reason = f": {state.infusion.pause_reason}" if state.infusion.pause_reason else ""
            caption, figure = "PAUSED — time left", countdown(clock.left)
            detail, tone = f"paused for {countdown(clock.paused_for)}{reason}", "paused"
        elif clock.over and state.step is Step.INFUSING:
            caption, figure, tone = "Infusion time over", f"+{countdown(clock.over)}", "over"
            detail = "stop the pump, then Infusion complete"
        elif clock.over:  # the observation's minimum is done: discharge may follow, nothing has run over
            caption, figure, tone = "Observation time done", f"+{countdown(clock.over)}", None
            detail = f"{clock.until_words} {clock_time(clock.until)}"
        else:
            caption, figure, tone = f"{step} — time left", countdown(clock.left), None
            detail = f"{clock.until_words} {clock_time(clock.until)}" if clock.until else ""
        self._set_clock(caption, figure, detail)
        mark(self.clock, "state", tone)

    def _set_clock(self, caption: str, figure: str, detail: str) -> None:
        self.clock_caption.setText(caption)
        self.time.setText(figure)
        self.time_detail.setText(detail)

    def _show_due(self, state: SessionState) -> None:
        for widget, (text, tone) in (
            (self.vitals_due, due_words("Vitals", state.next_vitals, state.vitals_attention)),
            (self.side_effects_due, due_words("Side effects", state.next_side_effects, state.side_effects_attention)),
        ):
            widget.setText(text)
            set_tone(widget, tone)
            widget.setVisible(bool(text))
