"""What a tile, the lock screen and the banner can hold: the lead need's words wrap over a few lines before
they are cut short, a technical need is told apart from the patient's on the tile itself, the lock screen's
tile keeps its chair number whole beside its badge, a paused pump is said to be on hold, and a question
pinned over the page after a restart never leaves the first reading's caption cut off."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QGroupBox, QLabel, QWidget

from core.care import Care
from core.clock import ManualClock
from core.identify import Details, Identified
from core.protocol import VitalKind
from tests.helpers.answers import SCREEN_OK
from tests.helpers.clinic import PRESCRIBER, T0
from tests.helpers.sessions import prepare
from tests.helpers.window import Nurse
from ui.main_window import MainWindow
from ui.widgets.elided import Elided, one_line_name, wrapped
from ui.widgets.patient_banner import BANNER_HEIGHT, SECOND_NEED_MIN_WIDTH

ALLERGIES = "Penicillin (rash), latex (hives), sulfonamides, codeine (vomiting), shellfish"
WORDS = "Act now — SpO2 88 at or below 91 %; Sedation (RASS) -3 at or below -3"


def test_words_wrap_between_words_and_only_the_last_line_is_cut_short(qapp: QApplication) -> None:
    metrics = QFontMetrics(QFont())
    width = metrics.horizontalAdvance("Act now — SpO2 88 at")
    lines = wrapped(WORDS, metrics, width, 2)
    assert len(lines) == 2
    assert lines[0].startswith("Act now") and not lines[0].endswith("…")
    assert all(metrics.horizontalAdvance(line) <= width for line in lines)
    assert lines[1].endswith("…")
    assert wrapped(WORDS, metrics, 10_000, 3) == [WORDS]  # room enough: one line, whole
    whole = wrapped(WORDS, metrics, width, 6)
    assert " ".join(whole).split() == WORDS.split()  # lines enough: every word, none cut


def test_a_label_of_a_few_lines_asks_for_the_height_its_words_take_and_keeps_them_whole(
    qapp: QApplication,
) -> None:
    line = Elided(None, "Needs", lines=3)
    line.setText(WORDS)
    line.resize(QFontMetrics(line.font()).horizontalAdvance("Act now — SpO2 88 at"), 10)
    QApplication.processEvents()
    spacing = QFontMetrics(line.font()).lineSpacing()
    assert line.sizeHint().height() >= 3 * spacing
    assert line.minimumSizeHint().height() < 2 * spacing  # squeezed, it makes do with one line
    assert line.text() == WORDS and line.toolTip() == WORDS


def seat_two(care: Care, clock: ManualClock, ready_session: str, nurses, normal_vitals) -> None:
    first, _ = nurses
    other = care.register_patient("MRN-2002", "Okoye", "Chidi", "1980-05-01", by=first.id)
    care.record_course(other.id, PRESCRIBER, T0.astimezone().date().isoformat(), "5", by=first.id)
    second = prepare(care, other, nurses, chair=2)
    care.start_infusion(ready_session, first.id)
    care.start_infusion(second, first.id)
    clock.advance(minutes=10)
    care.record_vitals(ready_session, normal_vitals, first.id)
    low = {**normal_vitals, VitalKind.SPO2: "88", VitalKind.SEDATION: "-3"}
    care.record_vitals(second, low, first.id)
    clock.advance(minutes=2)


def test_a_technical_need_is_told_apart_from_the_patients_on_the_tile_and_the_lock_screen_names_no_one(
    clock: ManualClock,
    care: Care,
    ready_session: str,
    nurses,
    normal_vitals,
    restart: Callable[[], Nurse],
) -> None:
    seat_two(care, clock, ready_session, nurses, normal_vitals)
    nurse = restart()  # after a restart every running pump is to be looked at: a technical need
    nurse.on_duty(nurses[0])
    window = nurse.window
    window.resize(1280, 800)
    window.refresh()
    pump_only, both = window.board.tiles[1], window.board.tiles[2]
    assert pump_only.property("kind") == "technical"
    assert both.property("kind") == "patient"  # the patient leads where the patient needs anything
    assert nurse.text("Chair 1 attention").startswith("◆ Technical")
    assert window.findChild(QLabel, "Chair 1 attention").property("kind") == "technical"
    assert window.findChild(QLabel, "Chair 2 attention").property("kind") is None
    assert window.findChild(QLabel, "Chair 2 attention, line 2").property("kind") == "technical"
    lead = window.findChild(Elided, "Chair 2 attention")
    assert lead.text().startswith("Act now — SpO2 88") and "Sedation" in lead.text()
    assert lead.height() >= 2 * QFontMetrics(lead.font()).lineSpacing()  # the tile had room: it wrapped
    window.controller.lock()
    window.refresh()
    assert nurse.text("Locked chair 2 title") == "Chair 2"
    assert nurse.text("Locked chair 2 patient") == "C. O."  # initials, on a line of their own
    title = window.findChild(QLabel, "Locked chair 2 title")
    for size in ((1280, 800), (1024, 768)):
        window.resize(*size)
        QApplication.processEvents()
        assert title.fontMetrics().horizontalAdvance(title.text()) <= title.contentsRect().width(), size


def test_after_a_restart_the_pump_question_leaves_the_first_readings_caption_in_view(
    clock: ManualClock, care: Care, ready_session: str, nurses, normal_vitals, restart: Callable[[], Nurse]
) -> None:
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    clock.advance(minutes=10)
    care.record_vitals(ready_session, normal_vitals, first.id)
    clock.advance(minutes=2)
    nurse = restart()
    nurse.on_duty(first)
    window = nurse.window
    window.resize(1280, 800)
    window.refresh()
    nurse.chair(1)
    for _ in range(3):
        QApplication.processEvents()
    systolic = care.protocol.vitals[VitalKind.SYSTOLIC].label
    caption = next(w for w in window.panel(1).findChildren(QLabel) if w.text() == systolic and w.isVisible())
    scroll = window.panel(1).scroll_area()
    top = caption.mapTo(scroll.viewport(), caption.rect().topLeft()).y()
    assert top >= 0 and top + caption.height() <= scroll.viewport().height()
    assert QApplication.focusWidget() is nurse.find(QWidget, systolic)


def test_a_paused_pump_is_said_to_be_on_hold_with_what_it_resumes_at(
    nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses
) -> None:
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    clock.advance(minutes=5)
    care.pause(ready_session, care.protocol.reasons.pause[0], first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    box = next(b for b in window.panel(1).findChildren(QGroupBox) if b.title().startswith("The pump should"))
    assert box.title() == "The pump should be on hold"
    assert "On resuming: Rate 155.4 mL/h · about 90.7 mL left · 35 min" in nurse.text("Pump settings")


def test_what_is_due_runs_under_the_identifiers_whole_at_either_size(
    nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses
) -> None:
    """Beside the clock a column of what is due was left a few letters ("Stop the pump: 12 …") even at
    1280×800: the row under the identifiers says the lead need and what the clock counts to whole at 1024×768
    too, the banner no taller than it was, and the rest whole in the tooltip."""
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    clock.advance(minutes=52)  # twelve minutes over, three sets missed
    nurse.on_duty(first)
    nurse.chair(1)
    banner = window.panel(1).banner
    needs, more = nurse.find(QLabel, "Chair needs"), nurse.find(QLabel, "Chair needs, line 2")
    step, detail = nurse.find(QLabel, "Step"), nurse.find(QLabel, "Time left detail")
    for size in ((1024, 768), (1280, 800)):
        window.resize(*size)
        window.refresh()
        for _ in range(3):
            QApplication.processEvents()
        assert banner.widget.height() <= BANNER_HEIGHT, size
        top = needs.mapTo(banner.widget, needs.rect().topLeft()).y()
        assert top > step.mapTo(banner.widget, step.rect().bottomLeft()).y(), size
        assert needs.text() == "Stop the pump: 12 min over", size
        assert needs.fontMetrics().horizontalAdvance(needs.text()) <= needs.contentsRect().width(), size
        assert more.text().startswith("Vitals MISSED (3)") and "Vitals MISSED (3)" in more.toolTip(), size
        assert more.isVisible() and more.width() >= SECOND_NEED_MIN_WIDTH, size
        assert detail.text() == "stop the pump, then Infusion complete", size
        assert detail.height() >= 2 * detail.fontMetrics().lineSpacing(), size
        assert step.text() == "Infusing · day 1 of 5", size
        assert step.fontMetrics().horizontalAdvance(step.text()) <= step.contentsRect().width(), size


def test_a_long_first_need_never_hides_the_second_one(
    nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses, normal_vitals
) -> None:
    """An act-now alarm on two readings, and the next set due: the alarm's words took the whole row at 1024
    and the second thing owed was not shown at all."""
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    clock.advance(minutes=10)
    low = {**normal_vitals, VitalKind.SPO2: "88", VitalKind.SEDATION: "-3"}
    care.record_vitals(ready_session, low, first.id)
    clock.advance(minutes=10)
    nurse.on_duty(first)
    nurse.chair(1)
    needs, more = nurse.find(QLabel, "Chair needs"), nurse.find(QLabel, "Chair needs, line 2")
    for size in ((1024, 768), (1280, 800)):
        window.resize(*size)
        window.refresh()
        for _ in range(3):
            QApplication.processEvents()
        assert needs.text().startswith("Act now") and more.text(), size
        assert more.isVisible() and more.width() >= SECOND_NEED_MIN_WIDTH, size
        assert needs.width() >= more.width(), size  # the alarm keeps the larger share


def test_a_name_on_one_line_keeps_the_beginning_of_the_given_names(qapp: QApplication) -> None:
    metrics = QFontMetrics(QFont())
    name = "WOLFESCHLEGELSTEINHAUSEN-BERGDORFF, Maria Guadalupe Alejandra"
    width = metrics.horizontalAdvance("WOLFESCHLEGELSTEINHAUSEN, Maria")
    line = one_line_name(name, metrics, width)
    family, given = line.split(", ")
    assert family.startswith("WOLFES") and family.endswith("…")
    assert given.startswith("Maria")
    assert metrics.horizontalAdvance(line) <= width
    assert one_line_name("NG, Li", metrics, width) == "NG, Li"  # room enough: whole


def test_the_banner_names_the_patient_whole_or_both_parts_begun_and_gives_the_weight_of_the_day(
    nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, nurses
) -> None:
    """A long family name hid the given names in the banner, and the weight the dose was worked from was
    nowhere in it (a patient banner carries the weight of the day)."""
    first, _ = nurses
    long = care.register_patient(
        "MRN-00451278", "Wolfeschlegelsteinhausen-Bergdorff", "Maria Guadalupe Alejandra", "1958-11-02", by=first.id
    )
    care.record_course(long.id, PRESCRIBER, T0.astimezone().date().isoformat(), "5", by=first.id)
    care.record_details(long.id, Details("female", ALLERGIES), first.id)
    state = care.open_session(long.id, 1, first.id, Identified(name=True, birth_date="1958-11-02"))
    care.screen(state.session_id, SCREEN_OK, first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    banner = window.panel(1).banner
    assert banner.weight.text() == "not yet"
    care.record_weight(state.session_id, "160", "lb", first.id)
    for size in ((1024, 768), (1280, 800)):
        window.resize(*size)
        window.refresh()
        for _ in range(3):
            QApplication.processEvents()
        assert banner.weight.text() == "160 lb\n(72.6 kg)", size
        assert inside(banner.weight, banner.widget) and banner.weight.width() >= banner.weight.sizeHint().width()
        assert banner.details.height() >= banner.details.heightForWidth(banner.details.width()), size  # whole
        shown = " ".join(banner.name.shown().split())
        assert shown.startswith("WOLFESCHLEGEL") and ", Maria" in shown, (size, shown)
        assert banner.widget.height() <= BANNER_HEIGHT, size
    assert banner.name.text() == "WOLFESCHLEGELSTEINHAUSEN-BERGDORFF, Maria Guadalupe Alejandra"


def inside(widget: QWidget, area: QWidget) -> bool:
    corner = widget.mapTo(area, widget.rect().topLeft())
    return area.rect().contains(widget.rect().translated(corner))


def test_a_line_is_drawn_as_the_style_draws_a_label_s_text(qapp: QApplication, monkeypatch) -> None:
    """``Elided`` draws its words itself (asking for the style from Python costs the first paint of every start
    ~6 ms): pixel for pixel what ``QStyle.drawItemText`` draws, in each role, tone, alignment and line count."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QImage, QPainter, QRegion

    from ui.style import SHEET, mark
    from ui.widgets.forms import set_tone

    def by_the_style(line: Elided, _event: object) -> None:
        painter = QPainter(line)
        area = line._area(line.contentsRect())
        line.style().drawItemText(
            painter, area, line.alignment(), line.palette(), line.isEnabled(), line.shown(), line.foregroundRole()
        )

    def drawn(line: Elided) -> QImage:
        image = QImage(line.size(), QImage.Format.Format_ARGB32)
        image.fill(0)
        line.render(image, QPoint(), QRegion(), QWidget.RenderFlag(0))
        return image

    def lines_drawn() -> list[QImage]:
        """Lines of each kind, made afresh (PySide6 keeps each widget's paintEvent once it has painted)."""
        holder = QWidget()
        holder.setStyleSheet(SHEET)  # the roles' and tones' fonts and colours, as the app has them
        lines = []
        for role, tone, many, text in [
            ("heading", None, 1, "LINDQVIST-ÖSTERGAARD, Maja Elisabet"),
            ("hint", None, 1, "Ana Reyes · Day 1 of 5"),
            ("tile-next", "act", 2, WORDS),
            ("tile-next-small", "advise", 1, WORDS),
            (None, None, 1, ""),
        ]:
            line = Elided(role, f"{role} line", lines=many)
            line.setParent(holder)
            if tone:
                set_tone(line, tone)
                mark(line, "kind", "technical" if tone == "act" else None)
            line.setText(text)
            line.resize(180, 60)
            lines.append(line)
        right = Elided("hint", "right")
        right.setParent(holder)
        right.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        right.setText("No backup yet")
        right.resize(300, 30)
        lines.append(right)
        holder.show()
        qapp.processEvents()
        images = [drawn(line) for line in lines]
        holder.deleteLater()
        return images

    now = lines_drawn()
    monkeypatch.setattr(Elided, "paintEvent", by_the_style)
    assert lines_drawn() == now
    assert now[0] != now[1] and now[1] != now[4]  # the comparison sees what is drawn
