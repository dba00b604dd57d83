"""A clinic's file of outcome forms recorded whole or not at all (the format: ``core.outcomes.importing``).

Every row is checked before anything is written: its values against the forms, its patient against the
record, its sitting against those already recorded. A single bad row and nothing is imported, with every
problem said by its line, so the clinic corrects the file and imports it again. A row the record already
holds (the same patient, day and answers) is skipped and said, so a file imported twice, or grown since
the last import, records each sitting once. The rows go in one transaction, each as a sitting recorded
in the importing nurse's name, placed in its course and time point as one entered on the screen is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from core import event_data as d
from core import records
from core.care.outcome_forms import OutcomeForms, Sitting, assessment_view
from core.errors import InputError
from core.events import EventType, PatientEvent
from core.identify import same_record_number
from core.people import Permission
from core.unit_of_work import Tx

if TYPE_CHECKING:
    from core.outcomes.forms import AssessmentView
    from core.outcomes.importing import Problem, Row

Answers = tuple[tuple[str, tuple[tuple[str, int], ...]], ...]
"""A sitting's answers as compared for a repeat: each form's answered items, in order."""


@dataclass(frozen=True)
class Imported:
    line: int
    mrn: str
    assessment: AssessmentView


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the sittings recorded, those skipped as already recorded, or, when any row was
    bad, the problems and nothing recorded."""

    recorded: tuple[Imported, ...] = ()
    skipped: tuple[Problem, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def imported(self) -> bool:
        return not self.problems

    @property
    def words(self) -> str:
        """One line for the screen or the terminal, before the lines of each problem or skipped row."""
        if self.problems:
            bad = len(self.problems)
            problems = f"{bad} problem{'s' if bad > 1 else ''}"
            return f"Nothing was imported: {problems} to correct in the file, then import it again."
        recorded, skipped = len(self.recorded), len(self.skipped)
        sittings = f"{recorded} sitting{'' if recorded == 1 else 's'} recorded"
        return f"{sittings}; {skipped} already recorded, skipped." if skipped else f"{sittings}."


class OutcomeImport(OutcomeForms):
    """Recording a clinic's file of outcome forms."""

    def import_assessments(self, data: bytes, by: str) -> ImportResult:
        """The file's sittings recorded, or none of them and every problem (see the module's docstring)."""
        # The file's format and the forms' scoring tables: with the first import, not at start.
        from core.outcomes.importing import Problem, parse_outcomes
        from core.promis import shipped

        outcomes = self.protocol.outcomes
        parsed = parse_outcomes(data, outcomes.forms, shipped(), self._today(), pain=outcomes.pain_intensity)
        problems = list(parsed.problems)
        checked: list[tuple[Row, Sitting]] = []
        for row in parsed.rows:
            try:
                checked.append((row, self._sitting(row.answers, row.mode, row.taken_on, row.pain_intensity, "en")))
            except InputError as error:
                problems.append(Problem(row.line, f"{error.message} {error.advice}".strip()))
        patients: dict[str, str] = {}
        with self.door.reading() as tx:
            for row, _sitting in checked:
                found = _patient_id(tx, row.mrn)
                if found is None:
                    problems.append(
                        Problem(row.line, f"No patient has the record number {row.mrn}. Check it, or register them.")
                    )
                else:
                    patients[row.mrn] = found
        if problems:
            return ImportResult(problems=tuple(sorted(problems, key=lambda p: p.line)))
        with self.door.writing(by, Permission.RECORD_CARE) as work:
            seen = {pid: _recorded(work.tx, pid) for pid in set(patients.values())}
            recorded: list[tuple[Row, PatientEvent]] = []
            skipped: list[Problem] = []
            for row, sitting in checked:
                patient_id = patients[row.mrn]
                key = (sitting.taken_on.isoformat(), _answers(sitting.forms), sitting.pain_intensity)
                earlier = seen[patient_id].get(key)
                if earlier is not None:
                    skipped.append(Problem(row.line, f"{row.mrn} {key[0]}: {earlier}; skipped."))
                    continue
                seen[patient_id][key] = f"the same answers as line {row.line}"
                recorded.append((row, self._append_sitting(work, patient_id, sitting)))
            names = records.staff_names_of(work.tx, {by})
        return ImportResult(
            tuple(Imported(row.line, row.mrn, assessment_view(event, names)) for row, event in recorded),
            tuple(skipped),
        )


def _patient_id(tx: Tx, mrn: str) -> str | None:
    """The patient the record number names: as registered, or with a slip of case or spacing."""
    found = records.patient_by_mrn(tx, mrn)
    if found is not None:
        return found.id
    alike = [p for p in records.find_patients(tx, mrn) if same_record_number(mrn, p.mrn)]
    return alike[0].id if len(alike) == 1 else None


def _answers(forms: tuple[d.FormAnswers, ...]) -> Answers:
    return tuple(sorted((form.form_id, tuple(sorted(form.answers.items()))) for form in forms))


def _recorded(tx: Tx, patient_id: str) -> dict[tuple[str, Answers, int | None], str]:
    """The patient's sittings already recorded, by day, answers and pain item, each with how to say it."""
    kept: dict[tuple[str, Answers, int | None], str] = {}
    for event in records.patient_events(tx, patient_id):
        if event.type is EventType.ASSESSED:
            data = event.data_as(d.Assessed)
            kept[(data.taken_on, _answers(data.forms), data.pain_intensity)] = (
                f"already recorded ({_mode_words(data.mode)}, {event.recorded_at.astimezone():%Y-%m-%d %H:%M})"
            )
    return kept


def _mode_words(mode: str) -> str:
    from core.outcomes.forms import MODES

    return MODES.get(mode, mode).lower()
