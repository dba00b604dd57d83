"""The chair's patient banner, pinned above the step's page: who, which step, how long, and what is due.

It never scrolls with the page, so the nurse sees the patient's identifiers, the countdown and the next
task wherever she is on a page, as in the EHR banners she knows. It shows only what core has recorded.
What the chair needs is the board tile's own (``core.board.tile``): the same priority mark, the same
words, in the chair's one tone.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout

from core.board import Tile, course_day, tile
from core.board import countdown as core_countdown
from core.machine import Step
from core.session_state import SessionState
from core.views import STEP_WORDS, ChairView, PatientView
from ui.style import PRIORITY_TONE, mark
from ui.text import allergies_tone, allergies_words, clock_time, countdown, sex_and_age, weight_words
from ui.widgets.elided import Elided, NameLine
from ui.widgets.forms import card, label, set_tone

FIRST_NEED_MIN_WIDTH = 260
"""The room the first thing due keeps in the banner's row before it gives way, in pixels ("Stop the pump:
12 min over" whole at 1024×768)."""
SECOND_NEED_MIN_WIDTH = 150
"""The least room the second thing due is given in the banner's row, in pixels: its first words."""
BANNER_HEIGHT = 150
"""The banner's tallest, in pixels (a list of allergies over two lines): the step's page below keeps the
room it needs at 1024×768."""


def identity_words(patient: PatientView, today: date) -> str:
    """Both identifiers, as the nurse compares them with the wristband, then sex and age."""
    return f"Born {patient.birth_date.isoformat()}  ·  {patient.mrn}  ·  {sex_and_age(patient, today)}"


class PatientBanner:
    """A card across the top of the chair: identity, with what is due under it, and the countdown."""

    def __init__(self, chair: int) -> None:
        self.widget = card("patient-banner")
        self.widget.setMaximumHeight(BANNER_HEIGHT)
        row = QHBoxLayout(self.widget)
        row.setContentsMargins(10, 4, 10, 4)
        row.setSpacing(8)

        who = QGridLayout()
        who.setVerticalSpacing(0)
        self.title = label(f"Chair {chair}", role="title", name=f"Chair {chair} title", wrap=False)
        # The longest name never widens the window past the screen: it goes on to a second line, so the
        # given names are never hidden behind a long family name, and is cut short only where the banner
        # has no room left (long allergies too).
        self.name = NameLine("title", "Patient", lines=2)
        self.ids = label(role="banner-ids", name="Patient identifiers")
        self.details = label(role="banner-ids", name="Patient allergies")
        self.step = Elided("heading", "Step", lines=2)  # a long pause reason: two lines, whole in its tooltip
        # The weight of the day under the chair's number, where the identifiers leave room: what the dose
        # was worked from, as the scale showed it.
        weight = QVBoxLayout()
        weight.setSpacing(0)
        self.weight_caption = label("Weight", role="banner-caption", name="Weight caption", wrap=False)
        self.weight = label(role="banner-ids", name="Weight of the day", wrap=False)
        weight.addWidget(self.weight_caption)
        weight.addWidget(self.weight)
        weight.addStretch(1)
        who.addWidget(self.title, 0, 0)
        who.addLayout(weight, 1, 0, 3, 1)
        who.addWidget(self.name, 0, 1)
        who.addWidget(self.ids, 1, 1)
        who.addWidget(self.details, 2, 1)  # allergies wrap, never cut short: the banner grows for them
        who.addWidget(self.step, 3, 1)
        who.setColumnStretch(1, 1)
        who.setHorizontalSpacing(8)

        # What is due in one row under the identifiers, as wide as they are: the chair's priority in words,
        # the first need as wide as its words, the second and what was last recorded (added by the chair's
        # panel) sharing the rest, cut short with the words whole in the tooltip (the page says them whole).
        self.due = QHBoxLayout()
        self.due.setSpacing(12)
        self.alarm_mark = label(role="tile-mark", name="Chair priority", wrap=False)
        self.vitals_due = Elided(None, "Chair needs")
        self.side_effects_due = Elided(None, "Chair needs, line 2")
        self.alarm_mark.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        # Both needs as wide as their words where there is room; where not, both give way, and the second
        # keeps enough to say what it is ("Side effects check…"): a long first need never hides it.
        for need in (self.vitals_due, self.side_effects_due):
            need.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.side_effects_due.setMinimumWidth(SECOND_NEED_MIN_WIDTH)
        self.due.addWidget(self.alarm_mark)
        self.due.addWidget(self.vitals_due)
        self.due.addWidget(self.side_effects_due)
        who.addLayout(self.due, 4, 0, 1, 2)
        row.addLayout(who, 1)

        self.clock = card("banner-clock")
        clock = QVBoxLayout(self.clock)
        clock.setContentsMargins(10, 2, 10, 2)
        clock.setSpacing(0)
        self.clock_caption = label(role="banner-caption", name="Time left caption", wrap=False)
        self.time = label("--:--", role="banner-countdown", name="Time left", wrap=False)
        # What the figure counts to, on two lines ("stop the pump, then Infusion complete" stays whole).
        self.time_detail = Elided("banner-caption", "Time left detail", lines=2)
        for widget in (self.clock_caption, self.time, self.time_detail):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            clock.addWidget(widget)
        row.addWidget(self.clock)
        self._empty()  # until a patient is seated: the banner is as small as it will be when shown

    def _empty(self) -> None:
        """An empty chair: its number and the word, nothing of a patient's."""
        self.name.setText("Empty")
        for widget in (
            self.weight_caption,
            self.weight,
            self.ids,
            self.details,
            self.step,
            self.clock,
            self.alarm_mark,
            self.vitals_due,
            self.side_effects_due,
        ):
            widget.hide()

    def add_line(self, line: QLabel) -> None:
        """A line of the chair panel's own at the end of the row of what is due (what was last recorded)."""
        self.due.addWidget(line, 1)

    def show_view(self, view: ChairView | None, now: datetime) -> None:
        state = view.state if view else None
        if view is None or state is None:
            self._empty()
            return
        self.name.setText(view.patient.full_name)
        self.ids.setText(identity_words(view.patient, now.astimezone().date()))
        self.weight.setText(weight_words(state.weight, "\n") if state.weight else "not yet")
        # Allergies as registration recorded them: unasked or listed, they stand out.
        self.details.setText(allergies_words(view.patient))
        set_tone(self.details, allergies_tone(view.patient))
        self.details.setMargin(2)  # in colour, without a message's padding: the banner's rows stay close
        day = f" · {course_day(state)}" if state.course_day else ""
        # A pause's reason beside the step, where there is room for it (the clock box says how long).
        reason = f": {state.infusion.pause_reason}" if state.step is Step.PAUSED and state.infusion.pause_reason else ""
        self.step.setText(STEP_WORDS[state.step] + day + reason)
        for widget in (self.weight_caption, self.weight, self.ids, self.details, self.step):
            widget.show()
        facts = tile(view, now, str)
        self._show_clock(state, now, facts.priority.value if facts.priority else None)
        self._show_due(facts)

    def _show_clock(self, state: SessionState, now: datetime, priority: str | None) -> None:
        """Large digits, with what they count to, read from core's one countdown (as the board's tile and
        the chair list): a pause says how long and why, time run over counts on. Either is coloured by the
        chair's one priority, as the badge beside it (a pause past its limit turns red with it)."""
        clock = core_countdown(state, now)
        self.clock.setVisible(clock is not None or state.step is Step.READY)
        if clock is None:  # ready: the infusion's length, still to run
            self._set_clock("Ready — infusion time", countdown(state.infusion.remaining), "not started yet")
            mark(self.clock, "state", None)
            return
        step = "Observation" if state.step is Step.OBSERVE else "Infusion"
        if clock.paused_for is not None:  # how long first; the reason is beside the step
            caption, figure = "PAUSED — time left", countdown(clock.left)
            detail, tone = f"paused for {countdown(clock.paused_for)}", priority
        elif clock.over and state.step is Step.INFUSING:
            caption, figure, tone = "Infusion time over", f"+{countdown(clock.over)}", priority
            detail = "stop the pump, then Infusion complete"
        elif clock.over:  # the observation's minimum is done: discharge may follow, nothing has run over
            caption, figure, tone = "Observation done · time since", countdown(clock.over), None
            detail = "discharge not yet recorded"
        else:
            caption, figure, tone = f"{step} — time left", countdown(clock.left), None
            detail = f"{clock.until_words} {clock_time(clock.until)}" if clock.until else ""
        self._set_clock(caption, figure, detail)
        mark(self.clock, "state", tone)

    def _set_clock(self, caption: str, figure: str, detail: str) -> None:
        self.clock_caption.setText(caption)
        self.time.setText(figure)
        self.time_detail.setText(detail)

    def _show_due(self, facts: Tile) -> None:
        """The tile's priority mark and lines, so the banner and the board never disagree; when more is
        owed than two lines hold, the second says how many more (the whole list is in the tooltip)."""
        lead, priority = facts.lead, facts.priority
        tone = PRIORITY_TONE[priority] if priority else "quiet"
        self.alarm_mark.setText(facts.mark)
        set_tone(self.alarm_mark, PRIORITY_TONE[priority] if priority else None)
        self.alarm_mark.setMargin(3)  # a box as tall as a line of words: the row under the banner stays thin
        mark(self.alarm_mark, "kind", lead.kind.value if lead else None)
        self.alarm_mark.setVisible(lead is not None)
        # The first line of each of the first two needs (an overrun is never hidden behind a set's advisory
        # line), the count of the rest after them; every line in full words in the tooltip.
        lines = tuple(need.lines[0] for need in facts.needs) or facts.lines
        if len(lines) > 2:
            lines = (lines[0], f"{lines[1]} · and {len(lines) - 2} more")
        said = "\n".join(facts.said)
        for widget, text in zip((self.vitals_due, self.side_effects_due), (*lines, "", ""), strict=False):
            widget.setText(text)
            if text and said:
                widget.setToolTip(said)
            set_tone(widget, tone if text else None)
            widget.setMargin(0)  # compact like the tile's lines: the mark above carries the priority's box
            widget.setVisible(bool(text))
        # The first need keeps its words up to a share of the row; the second keeps its first words.
        words = self.vitals_due.fontMetrics().horizontalAdvance(self.vitals_due.text())
        self.vitals_due.setMinimumWidth(min(words, FIRST_NEED_MIN_WIDTH))
        mark(self.widget, "priority", priority.value if priority else None)
