"""A clinic's file of outcome forms (answered on paper, by phone, in another system), read and checked whole
before any of it is recorded.

The file is CSV in UTF-8, one sitting a row, "wide": a header row naming the columns, in any order::

    mrn,taken_on,mode,PAININ9,PAININ22,PAININ31,PAININ34,...,pain_intensity
    MRN-1001,2026-11-20,paper,4,3,4,3,...,7

- ``mrn``: the patient's medical record number, as registered in Chairside (required).
- ``taken_on``: the day the patient answered, YYYY-MM-DD (required; not a day still to come).
- ``mode`` (optional column): how the patient was asked, one of ``chair``, ``visit``, ``phone``, ``paper``,
  ``import``; an empty cell (or no such column) records the row as "Imported from the clinic's file".
- one column per PROMIS item, headed by its item id (``PAININ9``, ``PFA11``...): the item's scored value
  (1-5, as the form values it). An empty cell is an item not answered: the form is kept "not scorable
  (n of N answered)", never pro-rated. Only items of the protocol's forms are taken.
- ``pain_intensity`` (optional column): the 0-10 pain item; empty when not asked.

Each problem is reported with its line number and what to do: a file that is not UTF-8 CSV, an empty file,
a column that is no item of a form Chairside scores, a missing or bad date, a value an item cannot take,
control characters. A patient not found and a sitting already recorded are found against the record by
``core.care``, which records nothing unless every row is good. The wording of the items is never in it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from core.dates import parse_day
from core.errors import InputError
from core.outcomes.forms import MODES, PAIN_RANGE
from core.plain_text import MRN_MAX, unshowable
from core.promis import PromisTables

MRN, TAKEN_ON, MODE, PAIN = "mrn", "taken_on", "mode", "pain_intensity"
REQUIRED = (MRN, TAKEN_ON)
FILE_MAX = 20_000_000
"""Bytes: many thousand sittings. A larger file is not one this reads."""
DEFAULT_MODE = "import"
EMPTY = "The file is empty. Choose the clinic's outcome file, with its header row."


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, where it is and what to do."""

    line: int
    message: str

    @property
    def words(self) -> str:
        return f"Line {self.line}: {self.message}"


@dataclass(frozen=True)
class Row:
    """One sitting as the file gives it: values checked against the forms, the patient not yet found."""

    line: int
    mrn: str
    taken_on: str
    mode: str
    answers: Mapping[str, Mapping[str, int | None]]
    """Form id -> item id -> scored value (None: not answered), for the forms with a column in the file."""
    pain_intensity: int | None


@dataclass(frozen=True)
class Parsed:
    rows: tuple[Row, ...] = ()
    problems: tuple[Problem, ...] = field(default=())


def parse_outcomes(data: bytes, forms: Sequence[str], tables: PromisTables, today: date, *, pain: bool) -> Parsed:
    """The file's rows, or every problem found in it (rows and problems both, so all can be said at once).

    ``forms``: the protocol's outcome forms, whose items the file may carry; ``pain``: whether the protocol
    asks the 0-10 pain item.
    """
    if not data.strip():
        return Parsed(problems=(Problem(1, EMPTY),))
    if len(data) > FILE_MAX:
        return Parsed(problems=(Problem(1, "The file is too large to be an outcome file. Split it, or check it."),))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return Parsed(
            problems=(Problem(line, "This is not UTF-8 text. Save the file as “CSV UTF-8” and import it again."),)
        )
    lines, broken = _records(text)
    if broken is not None:
        return Parsed(problems=(broken,))
    lines = [(number, cells) for number, cells in lines if any(cell.strip() for cell in cells)]
    if not lines:
        return Parsed(problems=(Problem(1, EMPTY),))
    header_line, header = lines[0]
    columns, item_forms, problems = _columns(header_line, header, forms, tables, pain=pain)
    if problems:
        return Parsed(problems=tuple(problems))
    rows: list[Row] = []
    for number, cells in lines[1:]:
        row, found = _row(number, cells, columns, item_forms, tables, today)
        problems.extend(found)
        if row is not None:
            rows.append(row)
    if not rows and not problems:
        problems.append(Problem(header_line, "The file has a header and no sittings under it. Nothing to import."))
    return Parsed(tuple(rows), tuple(problems))


def _records(text: str) -> tuple[list[tuple[int, list[str]]], Problem | None]:
    """Each record with the line it starts on (a quoted cell may run over lines), or where the CSV breaks."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    found = []
    start = 1
    try:
        for cells in reader:
            found.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        return found, Problem(start, f"This is not a CSV file from here ({error}). Check its quotes, save it as CSV.")
    return found, None


def _columns(
    line: int, header: list[str], forms: Sequence[str], tables: PromisTables, *, pain: bool
) -> tuple[list[str], dict[str, str], list[Problem]]:
    """The header's columns, each item's form, and what is wrong with the header."""
    problems: list[Problem] = []
    names = [cell.strip() for cell in header]
    ours = {item: form_id for form_id in forms for item in tables.form(form_id).items}
    elsewhere = {item: form_id for form_id, form in tables.forms.items() for item in form.items}
    item_forms: dict[str, str] = {}
    for name in names:
        if unshowable(name):
            problems.append(Problem(line, "A column name holds control characters. Retype the header row."))
        elif not name:
            problems.append(Problem(line, "A column has no name. Name it, or delete the column."))
        elif names.count(name) > 1:
            problems.append(Problem(line, f"The column {name} is there twice. Keep one."))
        elif name in (MRN, TAKEN_ON, MODE):
            continue
        elif name == PAIN:
            if not pain:
                problems.append(Problem(line, "The protocol does not ask the 0-10 pain item. Delete that column."))
        elif name in ours:
            item_forms[name] = ours[name]
        elif name in elsewhere:
            problems.append(
                Problem(
                    line,
                    f"{name} is an item of {elsewhere[name]}, which is not one of the protocol's outcome forms "
                    f"({', '.join(forms)}). Delete that column.",
                )
            )
        else:
            problems.append(
                Problem(
                    line,
                    f"{name} is not an item of any PROMIS form Chairside scores. Check the item id against the "
                    "form (e.g. PAININ9), or delete the column.",
                )
            )
    for needed in REQUIRED:
        if needed not in names:
            problems.append(Problem(line, f"The header has no “{needed}” column. Add it (see the file's format)."))
    if not item_forms and PAIN not in names and not problems:
        problems.append(Problem(line, "The header names no PROMIS item. Head each answer's column by its item id."))
    return names, item_forms, sorted(set(problems), key=lambda p: p.message)


def _row(
    line: int,
    cells: list[str],
    columns: list[str],
    item_forms: Mapping[str, str],
    tables: PromisTables,
    today: date,
) -> tuple[Row | None, list[Problem]]:
    if len(cells) != len(columns):
        return None, [
            Problem(line, f"It has {len(cells)} cells where the header has {len(columns)}. Check its commas.")
        ]
    if any(unshowable(cell) for cell in cells):
        return None, [Problem(line, "It holds control characters. Retype the row, without pasting.")]
    given = {name: cell.strip() for name, cell in zip(columns, cells, strict=True)}
    problems: list[Problem] = []
    mrn = given[MRN]
    if not mrn:
        problems.append(Problem(line, "The record number (mrn) is empty. Fill it in."))
    elif len(mrn) > MRN_MAX:
        problems.append(Problem(line, f"The record number is longer than {MRN_MAX} characters. Check it."))
    try:
        taken_on = parse_day(given[TAKEN_ON], TAKEN_ON, "the day the patient answered")
        if taken_on > today:
            problems.append(Problem(line, f"taken_on {taken_on.isoformat()} is still to come. Check the date."))
    except InputError as error:
        problems.append(Problem(line, f"taken_on: {error.message} {error.advice}".strip()))
    mode = given.get(MODE, "") or DEFAULT_MODE
    if mode not in MODES:
        problems.append(Problem(line, f"mode “{mode}” is not one of {', '.join(MODES)}. Use one, or leave it empty."))
    answers: dict[str, dict[str, int | None]] = {}
    for item, form_id in item_forms.items():
        value = _value(given[item], tables.form(form_id).values[item])
        if isinstance(value, str):
            problems.append(Problem(line, f"{item}: {value}"))
            continue
        answers.setdefault(form_id, {})[item] = value
    pain = _value(given.get(PAIN, ""), frozenset(PAIN_RANGE))
    if isinstance(pain, str):
        problems.append(Problem(line, f"pain_intensity: {pain}"))
        pain = None
    if not problems and pain is None and not any(v is not None for form in answers.values() for v in form.values()):
        problems.append(Problem(line, "Nothing was answered in it. Fill in the answers, or delete the row."))
    if problems:
        return None, problems
    return Row(line, mrn, given[TAKEN_ON], mode, answers, pain), []


def _value(cell: str, allowed: frozenset[int]) -> int | str | None:
    """The cell's value; None when empty; the words of the problem when it is not one ``allowed``."""
    if not cell:
        return None
    low, high = min(allowed), max(allowed)
    if not (cell.isascii() and cell.isdigit()) or int(cell) not in allowed:
        return f"“{cell}” is not a value it takes ({low} to {high}). Check the answer, or leave the cell empty."
    return int(cell)
