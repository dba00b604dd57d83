"""``audit verify``: the whole trail against every record it describes, or only what came after an anchor.

The whole check reads each table once, in the order it was written, as plain tuples: the trail by number,
every line's hash recomputed and its link followed; beside it the care entries in the order they were stored
(which follows the trail: an entry and its line commit together and the trail's writers take turns), each
matched with its line as both streams go by, and each set of vital signs' row (read in the order stored
too, written with its entry) held to its entry as the walk reads it, from the same reading of its payload
(on SQLite; elsewhere beside the trail, found by id). What is waiting for its partner is held only until it
turns up, a few thousand at most on a trail in order, so no entry of ten years is held past its line. A big
trail is read in two halves at once, the second in a process of its own, and the checks beside the trail
(sittings, signatures, starts) in a third (a workstation has two cores or more: the system shares the three
out); what each half could not match (the few entries or sets at its edges, and anything tampered with) is
matched at the end.
Kept for the whole check, a few values each: the last line of each patient, sex and allergies, and course
order record (a clinic's patients, not its sessions), compared with the rows once the trail has been read.
Each session's summary row is held to the last care line the walk met of its session, the rows of the
sessions met looked at a few thousand at a time as the walk goes, so nothing is held for each of a decade's
sessions; a row that does not match is asked again of the lines grouped by session (for its words).

Which problem is said, when there are several, is as it always was: a broken link first (the earliest),
then the care entries (earliest saved first), patients' records, the sittings' scores, lines whose record
is gone, signatures' patients, infusion starts, and the patient, details, course and summary rows.

``since_anchor`` checks only what came after a note of the trail's head kept outside the database
(``core.anchors``), after checking that the trail still holds the noted entry with the noted hash: seconds
at any size, for the daily check. What it covers is in ``SINCE_ANCHOR_COVERS``.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from hashlib import sha256
from itertools import islice
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

from core import records
from core.audit_terms import GENESIS, AuditAction, ChainCheck
from core.content_hashes import course_content, details_content, patient_content, summary_content
from core.event_data import PatientAtSigning, SessionSigned
from core.events import Event, EventType
from core.hashing import canonical_json, utc_moment
from core.outcomes.cohort import scores_text
from core.persistence.db import Database
from core.records import trail_streams
from core.schedule_points import Rules, replayed
from core.signatures import identifiers
from core.stored_form import UnreadableEntry

if TYPE_CHECKING:
    from core.outcomes.kept import KeptCourse
    from core.promis import PromisTables
    from core.protocol import Protocol

SPLIT_AT = 200_000
"""Lines from which the whole check is read in two halves at once: below it, starting more processes costs
more than it saves."""
FIRST_PART = (1, 2)
"""The share of the lines the first part reads (the checks beside the trail have a process of their own)."""
SUMMARIES_EVERY = 50_000
"""Lines between two looks at the summary rows of the sessions the walk has met: a session whose last care
line is this many lines back is held to its row then (a clinic's sessions of a few days are held at once)."""
LOOKAHEAD = 20_000
"""Entries read ahead of the trail while a line waits for its record: more are read only as lines take
them, so an entry removed by hand does not make the check read every entry after it into memory."""
_LINES_AT_ONCE = 2_000

SINCE_ANCHOR_COVERS = (
    "every line after the anchor's entry (its link and hash) and every record those lines describe; in each "
    "session and patient they touched, entries saved after the anchor without a line, the summary row, the "
    "signature's patient and the infusion's start; each patient, sex and allergies record, course order and "
    "sitting's scores they describe. Not checked: lines and records from before the anchor (the anchor's hash "
    "shows the trail up to it was not rewritten, not that each older line or record is as written) - run the "
    "full check (audit verify) for those, say weekly."
)

_RECORD_FRAME = ("{", "event_id", ": ", ", ", "type", ": ", ", ", "content_hash", ": ", ", ", "summary_hash", ": ", "}")
_FRAME_OF = operator.itemgetter(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 16)


def _text(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


class _Texts(dict[str | None, str]):
    """Text fields as ``canonical_json`` writes them (``None`` is ``null``), kept for the values that come
    again and again (actions, accounts, workstations, kinds of entry, the session of a run of lines): a
    lookup, where encoding each again was a tenth of the check. Emptied when it grows, so it stays small."""

    def __missing__(self, value: str | None) -> str:
        if len(self) >= 4_096:
            self.clear()
        written = self[value] = _text(value)
        return written


_SCAN = json.JSONDecoder().scan_once
"""``json.loads``'s own C scanner, called directly: the same values, without its two Python wrappers."""


def _loads(stored: str) -> Any:
    """``json.loads(stored)``: anything but one JSON value filling the whole text is left to it, which
    parses it or raises as it always did."""
    try:
        value, end = _SCAN(stored, 0)
    except StopIteration:
        return json.loads(stored)
    return value if end == len(stored) else json.loads(stored)


_C_ENCODER = getattr(json.encoder, "c_make_encoder", None)
_C_ASCII = getattr(json.encoder, "c_encode_basestring_ascii", None)
_ENCODE_ASCII = (
    _C_ENCODER(None, None, _C_ASCII, None, ":", ",", True, False, True)
    if _C_ENCODER is not None and _C_ASCII is not None
    else None
)
"""``core.hashing``'s canonical encoder, but writing text ASCII only (its C escaping is the quicker)."""


def _canonical_stored(stored: str) -> str:
    """``canonical_json(json.loads(stored))`` of a JSON text as stored. A text of plain ASCII without one
    ``\\u`` escape or DEL (what Python's JSON writer, which escapes every other character, makes of values
    without them) holds no character the ASCII writer would escape and the canonical one would not: both
    write it alike, and the ASCII one is the quicker."""
    value = _loads(stored)
    if (
        _ENCODE_ASCII is not None
        and not isinstance(value, str)
        and stored.isascii()
        and "\\u" not in stored
        and "\x7f" not in stored
    ):
        return "".join(_ENCODE_ASCII(value, 0))
    return canonical_json(value)


_SLOT = re.compile("\ue000([0-9]+)\ue001")
"""A value's place in a shape's canonical text while the shape is learnt (a character no stored text of
plain ASCII holds, around the number of the piece the value was)."""


def _getter(places: list[int]) -> Callable[[list[str]], Any]:
    """The pieces at ``places`` of a text cut at its quotes, as a tuple (one piece alone, as itself)."""
    return operator.itemgetter(*places) if places else lambda _: ()


class _Shapes(dict[str, tuple[Callable[[list[str]], Any], Any, Callable[[list[str]], Any], str]]):
    """Stored payloads' canonical texts (``_canonical_stored``), by their shape: a payload of printable ASCII
    without a backslash, cut at its quotes, is its strings between the rest (brackets, separators, numbers,
    true, false, null). Two such payloads with the same rest and the same keys are one structure with other
    strings in it, so their canonical texts are one text with those strings in the same places (such a
    string is written in it as it is stored). Learnt from the first payload of each shape, then filled in,
    where reading the JSON and writing it canonically again was most of the cost of a care entry's hash.
    Emptied when it grows (numbers are part of a shape), so it stays small.

    A set of vital signs' payload is read with ``vital_set``: the same canonical text, and from the same
    pieces the values its set's row must hold (``records.set_reader``, learnt for each shape beside it)."""

    def __init__(self) -> None:
        super().__init__()
        self.readers: dict[str, tuple[Any, records.SetReader | None]] = {}
        """For each shape a set of vital signs' payload was met in: its keys, and how the row's values are
        read from its pieces (None: read whole)."""

    def canonical(self, stored: str) -> str:
        if stored.isascii() and "\\" not in stored and stored.isprintable():
            pieces = stored.split('"')
            shape = self.get('"'.join(pieces[0::2]))  # the rest, as one text: quicker to look up
            if shape is not None:
                keys_at, keys, values_at, text = shape
                if keys_at(pieces) == keys:
                    return text % values_at(pieces)
            return self._learn(stored, pieces)
        return _canonical_stored(stored)

    def vital_set(self, stored: str, began: bool) -> tuple[str, tuple[Any, ...]]:
        """A set of vital signs' payload as ``canonical`` writes it, and ``records.set_values`` of it (its
        row's values) taken from the same pieces where its shape is known, so the payload is read once."""
        if stored.isascii() and "\\" not in stored and stored.isprintable():
            pieces = stored.split('"')
            rest = '"'.join(pieces[0::2])
            shape = self.get(rest)
            if shape is not None:
                keys_at, keys, values_at, text = shape
                if keys_at(pieces) == keys:
                    known = self.readers.get(rest)
                    if known is None or known[0] != keys:
                        known = self.readers[rest] = (keys, self._reader(stored, pieces))
                    read = known[1]
                    canonical = text % values_at(pieces)
                    if read is not None:
                        return canonical, read(pieces, began)
                    return canonical, records.set_values(_loads(stored), began)
            return self._learn(stored, pieces), records.set_values(_loads(stored), began)
        return _canonical_stored(stored), records.set_values(_loads(stored), began)

    @staticmethod
    def _reader(stored: str, pieces: list[str]) -> records.SetReader | None:
        """How a set's values are read from the pieces of a payload of this one's shape, learnt from it (its
        strings marked, read as JSON), kept only where it reads this payload as ``records.set_values`` does."""
        marked = list(pieces)
        for place in range(1, len(pieces), 2):
            if not pieces[place + 1].lstrip(" ").startswith(":"):
                marked[place] = f"\ue000{place}\ue001"

        def slot(value: Any) -> int | None:
            found = _SLOT.fullmatch(value) if isinstance(value, str) else None
            return int(found.group(1)) if found is not None else None

        try:
            read = records.set_reader(json.loads('"'.join(marked)), slot)
            payload = _loads(stored)
            if read is None or any(read(pieces, flag) != records.set_values(payload, flag) for flag in (True, False)):
                return None
        except (ValueError, TypeError, KeyError, AttributeError):
            return None  # read whole, which says what is wrong with it as ever
        return read

    def _learn(self, stored: str, pieces: list[str]) -> str:
        """The canonical text the slow way (which raises for what is not JSON, as ever), and its shape kept."""
        canonical = _canonical_stored(stored)
        keys: list[int] = []
        values: list[int] = []
        for place in range(1, len(pieces), 2):  # a string followed by a colon is a key
            (keys if pieces[place + 1].lstrip(" ").startswith(":") else values).append(place)
        marked = list(pieces)
        for place in values:
            marked[place] = f"\ue000{place}\ue001"
        cut = _SLOT.split(canonical_json(json.loads('"'.join(marked))).replace("%", "%%"))
        text = "".join(piece if n % 2 == 0 else "%s" for n, piece in enumerate(cut))
        keys_at, values_at = _getter(keys), _getter([int(place) for place in cut[1::2]])
        if text % values_at(pieces) == canonical:  # as the slow way wrote it, or not kept
            if len(self) >= 1_024:
                self.clear()
                self.readers.clear()
            self['"'.join(pieces[0::2])] = (keys_at, keys_at(pieces), values_at, text)
        return canonical


class _Moments:
    """A moment as the driver gives it, in the canonical text hashes use (``utc_moment``): SQLAlchemy's own
    text for SQLite is rewritten directly, anything else is parsed as the ORM would parse it. It carries the
    check's other small caches: the text fields (``_Texts``) and the payloads' shapes (``_Shapes``)."""

    def __init__(self, parse: Callable[[Any], datetime | None]) -> None:
        self.parse = parse
        self.texts = _Texts()
        self.shapes = _Shapes()

    def __call__(self, value: Any) -> str:
        # SQLAlchemy's own text (26 characters, a space at 10, a point at 19): its digits are the canonical
        # text's. Anything else stored there (non-digits) makes a text no honest line's hash was taken of.
        if type(value) is str and len(value) == 26 and value[10] == " " and value[19] == ".":
            return f"{value[:10]}T{value[11:]}+00:00"
        moment = self.parse(value)
        if moment is None:
            raise ValueError("a stored moment is empty")
        return utc_moment(moment)


_NOTED = frozenset(
    {
        AuditAction.RECORD_WRITTEN.value,
        AuditAction.PATIENT_REGISTERED.value,
        AuditAction.PATIENT_DETAILS_CONFIRMED.value,
        AuditAction.COURSE_ORDERED.value,
    }
)
"""The lines whose detail the walk reads what was written from (``_Walk._note``); any other line's detail
only has its hash taken."""


def _line_hash(
    row: tuple[Any, ...], moment: _Moments, prev_text: str | None = None
) -> tuple[str, dict[str, Any] | None, tuple[str, ...] | None]:
    """A line's hash as ``core.audit.entry_hash`` computes it, with its detail parsed, or (for a care entry's
    line as Chairside writes its detail) None and the event id, content and summary hashes. ``prev_text`` is
    the line's ``prev_hash`` as canonical text, when the caller has it already.

    A care entry's line (``{"event_id": "…", "type": "…", "content_hash": "…", "summary_hash": "…"}``, the
    commonest line of all) is read without parsing JSON: a text of printable ASCII without a backslash holds
    no escape, so cut at its quotes it is exactly these keys' values, each of characters JSON writes as they
    are: the canonical text is known from the pieces."""
    seq, at, actor_id, action, workstation, patient_id, session_id, detail_text, prev_hash, _ = row
    texts = moment.texts
    if type(at) is str and len(at) == 26 and at[10] == " " and at[19] == ".":
        at_text = f"{at[:10]}T{at[11:]}+00:00"
    else:
        at_text = moment(at)
    if action == "record.written" and detail_text.isascii() and "\\" not in detail_text and detail_text.isprintable():
        parts = detail_text.split('"')
        if len(parts) == 17 and _FRAME_OF(parts) == _RECORD_FRAME:
            event_id, content = parts[3], parts[11]
            body = (
                f'{{"action":"record.written","actor_id":{texts[actor_id]},"at":"{at_text}","detail":'
                f'{{"content_hash":"{content}","event_id":"{event_id}","summary_hash":"{parts[15]}",'
                f'"type":"{parts[7]}"}},"patient_id":{texts[patient_id]},"prev_hash":{prev_text or _text(prev_hash)},'
                f'"seq":{seq},"session_id":{texts[session_id]},"workstation":{texts[workstation]}}}'
            )
            return sha256(body.encode()).hexdigest(), None, (event_id, content, parts[15])
    if action in _NOTED:
        parsed = _loads(detail_text)
        detail = canonical_json(parsed)
    else:  # what the walk takes from nothing else (a signature's, an account's): its canonical text only
        parsed, detail = None, moment.shapes.canonical(detail_text)
    body = (
        f'{{"action":{texts[action]},"actor_id":{texts[actor_id]},"at":"{at_text}","detail":{detail},'
        f'"patient_id":{texts[patient_id]},"prev_hash":{prev_text or _text(prev_hash)},"seq":{seq},'
        f'"session_id":{texts[session_id]},"workstation":{texts[workstation]}}}'
    )
    return sha256(body.encode()).hexdigest(), parsed, None


def _session_entry_hash(row: tuple[Any, ...], moment: _Moments, canonical: str | None = None) -> str:
    """``content_hashes.event_content`` of a session entry read as ``trail_streams.SESSION_ENTRY_COLUMNS``
    (``canonical``: its payload's canonical text, when the caller has it)."""
    event_id, session_id, seq, kind, payload, occurred, recorded, by, workstation, corrects, reason = row
    if type(occurred) is str and len(occurred) == 26 and occurred[10] == " " and occurred[19] == ".":
        occurred_text = f"{occurred[:10]}T{occurred[11:]}+00:00"
    else:
        occurred_text = moment(occurred)
    recorded_text = occurred_text if recorded == occurred else moment(recorded)
    number = seq if type(seq) is int else canonical_json(seq)
    texts = moment.texts
    body = (
        f'{{"corrects":{"null" if corrects is None else _text(corrects)},"id":{_text(event_id)},'
        f'"occurred_at":"{occurred_text}","payload":{canonical or moment.shapes.canonical(payload)},'
        f'"reason":{"null" if reason is None else _text(reason)},"recorded_at":"{recorded_text}",'
        f'"recorded_by":{texts[by]},"seq":{number},"session_id":{texts[session_id]},"type":{texts[kind]},'
        f'"workstation":{texts[workstation]}}}'
    )
    return sha256(body.encode()).hexdigest()


def _patient_entry_hash(row: tuple[Any, ...], moment: _Moments) -> str:
    """``content_hashes.patient_event_content`` of a record read as ``trail_streams.PATIENT_ENTRY_COLUMNS``."""
    event_id, patient_id, course_id, seq, kind, payload, occurred, recorded, by, workstation, corrects, reason = row
    facts = {
        "id": event_id,
        "patient_id": patient_id,
        "course_id": course_id,
        "seq": seq,
        "type": kind,
        "occurred_at": moment(occurred),
        "recorded_at": moment(recorded),
        "recorded_by": by,
        "workstation": workstation,
        "payload": _loads(payload),
        "corrects": corrects,
        "reason": reason,
    }
    return sha256(canonical_json(facts).encode()).hexdigest()


SESSIONS, PATIENTS = "s", "p"
_VITALS = EventType.VITALS.value
_CATEGORIES = (
    "session entries",
    "patient entries",
    "sitting scores",
    "lines without records",
    "vital sets",
    "scheduled points",
    "signatures",
    "starts",
    "patient",
    "details",
    "course",
    "summary",
    "course facts",
    "quality facts",
    "point counts",
    "set days",
    "kept outcomes",
)
"""The kinds of problem in the order the first is said: the rows made from records (``course facts``,
``quality facts``, ``point counts``, ``set days``, ``kept outcomes``) last, as a record changed by hand shows
there too, and the record is what to name."""


@dataclass
class Findings:
    """What one part of the trail showed (sent back from its process, so plain values only)."""

    lines: int = 0
    chain: tuple[int, int, str] | None = None
    """The first broken link: its seq, the lines read up to it, and what is wrong."""
    problems: dict[str, tuple[tuple[Any, ...], str]] = field(default_factory=dict)
    """The first problem of each kind (``_CATEGORIES``), by the order it would have been said in."""
    waiting: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    """Lines whose record was not met: event id -> (the line's seq, the content hash it carries)."""
    unmatched: dict[str, tuple[str, str, Any, int]] = field(default_factory=dict)
    """Records whose line was not met: id -> (SESSIONS or PATIENTS, content hash, recorded_at as read, seq)."""
    claims: dict[str, dict[str, tuple[int, int, str]]] = field(default_factory=dict)
    """What lines say a patient, details, course or summary row holds: kind -> key -> (first line, last
    line, hash)."""
    suspects: set[str] = field(default_factory=set)
    """Sessions whose summary row did not hash to what the last care line the walk saw of them says (or is
    gone): asked of the database again at the end, line by line (``_summaries_against_trail``), as a later
    line of the session (in a later part) may say what the row holds."""
    set_rows: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    """Sets of vital signs' rows whose entry was not met: id -> the row as kept."""
    set_entries: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    """Sets of vital signs' entries whose row was not met: id -> the entry as ``_vital_set_problem`` reads it."""
    early: set[str] = field(default_factory=set)
    """The sessions met in this part's first ``SUMMARIES_EVERY`` lines: an earlier part's suspect among them
    was held to a line that was not its session's last, and this part held it to a later one."""

    def said(self, category: str, key: tuple[Any, ...], problem: str) -> None:
        known = self.problems.get(category)
        if known is None or key < known[0]:
            self.problems[category] = (key, problem)

    def claim(self, kind: str, key: str, seq: int, hashed: str) -> None:
        kept = self.claims.setdefault(kind, {}).get(key)
        self.claims[kind][key] = (kept[0] if kept else seq, seq, hashed)

    def matched(self, event_id: str, line: tuple[int, str | None], record: tuple[str, str, Any, int]) -> None:
        seq, hashed = line
        table, content, recorded, entry_seq = record
        if hashed is not None and content != hashed:
            category = "session entries" if table == SESSIONS else "patient entries"
            self.said(
                category,
                (recorded, entry_seq, event_id),
                f"care record {event_id} was changed after it was written (audit entry {seq} says otherwise).",
            )

    def absorb(self, later: Findings) -> None:
        """A later part's findings joined to this one's (lines in order)."""
        if self.chain is None and later.chain is not None:
            seq, read, problem = later.chain
            self.chain = (seq, self.lines + read, problem)
        self.lines += later.lines
        for category, (key, problem) in later.problems.items():
            self.said(category, key, problem)
        for event_id, line in later.waiting.items():
            record = self.unmatched.pop(event_id, None)
            if record is not None:
                self.matched(event_id, line, record)
            else:
                self.waiting[event_id] = line
        for event_id, record in later.unmatched.items():
            line = self.waiting.pop(event_id, None)
            if line is not None:
                self.matched(event_id, line, record)
            else:
                self.unmatched[event_id] = record
        for kind, keys in later.claims.items():
            for key, (first, last, hashed) in keys.items():
                kept = self.claims.setdefault(kind, {}).get(key)
                self.claims[kind][key] = (kept[0] if kept else first, last, hashed)
        self.suspects = (self.suspects - later.early) | later.suspects
        for set_id, entry in later.set_entries.items():
            kept = self.set_rows.pop(set_id, None)
            if kept is None:
                self.set_entries[set_id] = entry
            else:
                self.set_held(kept, entry, (0, _EDGES, 0))
        for set_id, kept in later.set_rows.items():
            entry = self.set_entries.pop(set_id, None)
            if entry is None:
                self.set_rows[set_id] = kept
            else:
                self.set_held(kept, entry, (0, _EDGES, 0))

    def set_held(self, kept: tuple[Any, ...], entry: tuple[Any, ...], key: tuple[Any, ...]) -> None:
        """A set's row held to its entry (read whole), the problem said at ``key``."""
        problem = _vital_set_problem(kept, entry)
        if problem is not None:
            self.said("vital sets", key, problem)

    def sets_left(self) -> None:
        """The sets' rows and entries that never met their other half, said (at the end of the whole check)."""
        for place, kept in enumerate(self.set_rows.values()):
            self.set_held(kept, _NO_ENTRY, (0, _EDGES + 1, place))
        for set_id in self.set_entries:
            self.said("vital sets", (1, 0), f"the columns kept for set of vital signs {set_id} were removed.")
            break


_EDGES = 1 << 62
"""Where a set's problem met only when the parts' findings are joined is said in order (after every part's)."""


@dataclass(frozen=True)
class Part:
    """One part of the whole check: lines numbered above ``after`` up to ``upto``, and the entries stored
    under row numbers in the same bounds (None: to the end)."""

    after: int = 0
    upto: int | None = None
    sessions_after: int = 0
    sessions_upto: int | None = None
    patients_after: int = 0
    patients_upto: int | None = None
    sets_after: int = 0
    sets_upto: int | None = None


class _Walk:
    """The trail read in order, its lines' records matched as the entries go by."""

    def __init__(
        self,
        tx: Any,
        found: Findings,
        expected: tuple[int, str],
        *,
        summaries: bool = True,
        every: int = 0,
        sets: Iterator[tuple[Any, ...]] | None = None,
        after: int = 0,
    ) -> None:
        self.tx = tx
        self.found = found
        self.sets = sets
        """The sets of vital signs' rows, in the order stored, each held to its entry as the entries go by
        (both are written together, so they come in the same order); None: held elsewhere
        (``_vital_sets``)."""
        self.started: dict[str, int] = dict(trail_streams.first_starts(tx)) if sets is not None else {}
        """Each session whose infusion began, with the place of its first start (a set before it is part of
        the baseline)."""
        self.set_key = [after, 0]
        """Where this part's sets' problems are said: the part's start, and the sets paired so far."""
        self.summaries = summaries
        """Whether what each line says its session's summary row holds is kept as a claim (for the lines after
        an anchor); the whole check holds each session met to its row as the walk goes (``_look_at_rows``)."""
        self.every = every or SUMMARIES_EVERY
        self.met: dict[str, tuple[int, Any]] = {}
        """The sessions met and not yet held to their rows: session id -> (its last care line, the summary
        hash that line carries)."""
        self.first_look = True
        self.expected_seq, self.expected_prev = expected
        self.moment = _Moments(trail_streams.stored_moment(tx))

    def lines(self, rows: Iterator[tuple[Any, ...]], entries: dict[str, Iterator[tuple[Any, ...]]]) -> None:
        # The loop every line and entry of ten years goes through: what it needs is held in local names.
        found, moment, summaries, met = self.found, self.moment, self.summaries, self.met
        waiting, unmatched = found.waiting, found.unmatched
        wanted = {SESSIONS: 0, PATIENTS: 0}
        prev_text = _text(self.expected_prev)  # the link as canonical text: the hash before it, as read
        expected_seq, expected_prev, count = self.expected_seq, self.expected_prev, found.lines
        look_at = expected_seq + self.every
        while batch := list(islice(rows, _LINES_AT_ONCE)):
            for row in batch:
                count += 1
                seq = row[0]
                if seq != expected_seq or row[8] != expected_prev:
                    found.lines, self.expected_seq, self.expected_prev = count, expected_seq, expected_prev
                    self._broken(row)
                    return
                hashed, detail, facts = _line_hash(row, moment, prev_text)
                if hashed != row[9]:
                    found.lines = count
                    found.chain = (seq, count, f"entry {seq} was changed after it was written.")
                    return
                expected_seq, expected_prev, prev_text = seq + 1, hashed, f'"{hashed}"'
                if facts is not None:
                    event_id, content, summary = facts
                    record = unmatched.pop(event_id, None)
                    if record is not None:
                        if record[1] != content:
                            found.matched(event_id, (seq, content), record)
                    else:
                        waiting[event_id] = (seq, content)
                        wanted[SESSIONS if row[6] is not None else PATIENTS] += 1
                    if row[6] is not None:
                        if summaries:
                            found.claim("summary", row[6], seq, summary)
                        else:
                            met[row[6]] = (seq, summary)
                elif detail is not None:
                    self._note(row, detail, wanted)
            found.lines, self.expected_seq, self.expected_prev = count, expected_seq, expected_prev
            for table, source in entries.items():
                # Read entries while some line waits for one, but never far ahead of the trail.
                if wanted[table] > 0:
                    wanted[table] = self._entries(table, source, wanted[table])
            if not summaries and self.expected_seq > look_at:
                self._look_at_rows(self.expected_seq - self.every)
                look_at = self.expected_seq + self.every
        for table, source in entries.items():
            self._entries(table, source, -1)
        if self.sets is not None:
            for kept in self.sets:
                entry = found.set_entries.pop(kept[0], None)
                if entry is None:
                    found.set_rows[kept[0]] = kept
                else:
                    self.set_key[1] += 1
                    found.set_held(kept, entry, (0, *self.set_key))
        if not summaries:
            self._look_at_rows(None)

    def _look_at_rows(self, upto: int | None) -> None:
        """The summary rows of the sessions met whose last care line so far is numbered ``upto`` or lower
        (every one, with None), each held to that line's summary hash: a row that does not match (or is gone)
        makes its session a suspect until a later line of it is met and its row matches that one."""
        found, met, moment = self.found, self.met, self.moment
        if self.first_look:
            found.early, self.first_look = set(met), False
        done = [session_id for session_id, (last, _) in met.items() if upto is None or last <= upto]
        for ids in trail_streams.chunks(done):
            rows = {row[0]: row for row in trail_streams.summary_rows(self.tx, ids)}
            for session_id in ids:
                _, claimed = met.pop(session_id)
                row = rows.get(session_id)
                if row is None or _summary_hash(row, moment) != claimed:
                    found.suspects.add(session_id)
                else:
                    found.suspects.discard(session_id)

    def _entries(self, table: str, source: Iterator[tuple[Any, ...]], wanted: int) -> int:
        """Entries read from ``source`` until ``wanted`` of them met their waiting lines (or, with -1, to
        its end), each matched with its line or kept until the line comes; how many are still wanted."""
        found, moment = self.found, self.moment
        waiting, unmatched = found.waiting, found.unmatched
        hash_of, recorded_at, seq_at = (_session_entry_hash, 6, 2) if table == SESSIONS else (_patient_entry_hash, 7, 3)
        drain = wanted < 0
        sets = self.sets if table == SESSIONS else None
        while drain or (wanted > 0 and len(unmatched) < LOOKAHEAD):
            row = next(source, None)
            if row is None:
                return 0
            content = self._set_entry(row, sets) if sets is not None and row[3] == _VITALS else hash_of(row, moment)
            event_id = row[0]
            line = waiting.pop(event_id, None)
            if line is None:
                unmatched[event_id] = (table, content, row[recorded_at], row[seq_at])
                continue
            wanted -= 1
            if line[1] is not None and line[1] != content:
                found.matched(event_id, line, (table, content, row[recorded_at], row[seq_at]))
        return wanted

    def _set_entry(self, row: tuple[Any, ...], sets: Iterator[tuple[Any, ...]]) -> str:
        """A set of vital signs' entry: its hash, and its row (the next one kept, as a rule) held to it, both
        from one reading of its payload; a row or an entry met out of turn waits for its other half."""
        found, session_id, seq = self.found, row[1], row[2]
        started = self.started.get(session_id)
        began = started is not None and started < seq
        canonical, expected = self.moment.shapes.vital_set(row[4], began)
        kept = next(sets, None)
        event_id = row[0]
        if kept is not None and kept[0] == event_id:
            self.set_key[1] += 1
            if kept[1:5] != (session_id, seq, row[5], row[7]) or kept[5:] != expected:
                found.set_held(kept, self._set_as_read(row, started), (0, *self.set_key))
            return _session_entry_hash(row, self.moment, canonical)
        if kept is not None:
            entry = found.set_entries.pop(kept[0], None)
            if entry is None:
                found.set_rows[kept[0]] = kept
            else:
                self.set_key[1] += 1
                found.set_held(kept, entry, (0, *self.set_key))
        kept = found.set_rows.pop(event_id, None)
        if kept is None:
            found.set_entries[event_id] = self._set_as_read(row, started)
        else:
            self.set_key[1] += 1
            found.set_held(kept, self._set_as_read(row, started), (0, *self.set_key))
        return _session_entry_hash(row, self.moment, canonical)

    @staticmethod
    def _set_as_read(row: tuple[Any, ...], started: int | None) -> tuple[Any, ...]:
        """A set's entry as ``_vital_set_problem`` reads it."""
        return (row[3], row[1], row[2], row[5], row[7], row[4], started)

    def _broken(self, row: tuple[Any, ...]) -> bool:
        seq, found = row[0], self.found
        if seq != self.expected_seq:
            expected = self.expected_seq
            missing = f"{expected}" if seq == expected + 1 else f"{expected}–{seq - 1}"
            found.chain = (seq, found.lines, f"entry {seq} follows a gap: entry {missing} was removed.")
            return True
        if row[8] != self.expected_prev:
            found.chain = (seq, found.lines, f"entry {seq} does not follow on from entry {seq - 1}.")
            return True
        return False

    def _note(self, row: tuple[Any, ...], detail: dict[str, Any], wanted: dict[str, int]) -> None:
        """What a line other than a care entry's in Chairside's own words says was written (as
        ``core.audit.Recorded.note``)."""
        seq, action, patient_id, session_id = row[0], row[3], row[5], row[6]
        found = self.found
        hashed = detail.get("content_hash") if isinstance(detail, dict) else None
        if action == AuditAction.RECORD_WRITTEN and "event_id" in detail:
            event_id = detail["event_id"]
            record = found.unmatched.pop(event_id, None)
            if record is not None:
                found.matched(event_id, (seq, hashed), record)
            else:
                found.waiting[event_id] = (seq, hashed)
                wanted[SESSIONS if session_id is not None else PATIENTS] += 1
            if "summary_hash" in detail and session_id is not None:
                if self.summaries:
                    found.claim("summary", session_id, seq, detail["summary_hash"])
                else:
                    self.met[session_id] = (seq, detail["summary_hash"])
        elif hashed is None:
            return
        elif action == AuditAction.PATIENT_REGISTERED and patient_id is not None:
            found.claim("patient", patient_id, seq, hashed)
        elif action == AuditAction.PATIENT_DETAILS_CONFIRMED and "details_id" in detail:
            found.claim("details", detail["details_id"], seq, hashed)
        elif action == AuditAction.COURSE_ORDERED and "course_id" in detail:
            found.claim("course", detail["course_id"], seq, hashed)

    def _entry(self, table: str, row: tuple[Any, ...]) -> bool:
        """One record read: matched with its waiting line (True), or kept until its line comes."""
        if table == SESSIONS:
            record = (SESSIONS, _session_entry_hash(row, self.moment), row[6], row[2])
        else:
            record = (PATIENTS, _patient_entry_hash(row, self.moment), row[7], row[3])
        event_id = row[0]
        line = self.found.waiting.pop(event_id, None)
        if line is None:
            self.found.unmatched[event_id] = record
            return False
        self.found.matched(event_id, line, record)
        return True


def _check_part(tx: Any, part: Part, every: int = 0) -> Findings:
    found = Findings()
    before = trail_streams.line_at_or_before(tx, part.after) if part.after else None
    expected = (before[0] + 1, before[1]) if before is not None else (1, GENESIS)
    entries = {
        SESSIONS: trail_streams.session_entries(tx, part.sessions_after, part.sessions_upto),
        PATIENTS: trail_streams.patient_entries(tx, part.patients_after, part.patients_upto),
    }
    sets = (
        trail_streams.vital_sets_stored(tx, part.sets_after, part.sets_upto)
        if trail_streams.rows_in_written_order(tx)
        else None
    )
    walk = _Walk(tx, found, expected, summaries=False, every=every, sets=sets, after=part.after)
    walk.lines(trail_streams.trail_lines(tx, part.after, part.upto), entries)
    return found


def _check_part_apart(url: str, part: Part, every: int) -> Findings:
    """A part of the whole check in a process of its own, with its own connection."""
    database = Database(url)
    try:
        with database.session() as tx:
            return _check_part(tx, part, every)
    finally:
        database.dispose()


def _beside_apart(url: str) -> Findings:
    """The checks beside the trail (``_beside_the_trail``) in a process of their own, with its own connection."""
    database = Database(url)
    try:
        with database.session() as tx:
            found = Findings()
            _beside_the_trail(tx, found)
            return found
    finally:
        database.dispose()


def _parts(tx: Any, first: int, last: int) -> list[Part]:
    """The trail in two parts at about its middle, each with the entries written with its lines; one part
    for a small trail, or where entries cannot be read in the order they were stored."""
    if last - first < SPLIT_AT or not trail_streams.rows_in_written_order(tx):
        return [Part()]
    return _parts_at(tx, first + (last - first) * FIRST_PART[0] // FIRST_PART[1])


def _parts_at(tx: Any, middle: int) -> list[Part]:
    """The trail in two parts, the first up to line ``middle``, each with the entries written with its lines."""
    sessions_row = patients_row = None
    for row in trail_streams.care_lines_back_from(tx, middle):
        detail = json.loads(row[1])
        if not isinstance(detail, dict) or "event_id" not in detail:
            continue
        in_sessions, in_patients = trail_streams.entry_row_numbers(tx, str(detail["event_id"]))
        if sessions_row is None and in_sessions is not None:
            sessions_row = in_sessions
        if patients_row is None and in_patients is not None:
            patients_row = in_patients
        if sessions_row is not None and patients_row is not None:
            break
    sessions_row, patients_row = sessions_row or 0, patients_row or 0
    sets_row = trail_streams.set_row_number_upto(tx, sessions_row)
    return [
        Part(0, middle, 0, sessions_row, 0, patients_row, 0, sets_row),
        Part(middle, None, sessions_row, None, patients_row, None, sets_row, None),
    ]


def parts_of(database: Database) -> list[Part]:
    """The parts the whole check of this database is read in."""
    with database.session() as tx:
        ends = trail_streams.trail_ends(tx)
        return _parts(tx, ends[0], ends[1]) if ends is not None else [Part()]


def verify(database: Database) -> ChainCheck:
    """Check every link; then both ways between the lines and the records they describe: every care record
    written since the trail began has its line, every line's record is there, and each record, patient,
    course and session summary row is as its line's hash says it was written."""
    with database.session() as tx:
        ends = trail_streams.trail_ends(tx)
        parts = _parts(tx, ends[0], ends[1]) if ends is not None else [Part()]
        if len(parts) == 1:
            found = _check_part(tx, parts[0])
            return _conclude(tx, found, ends)
        import multiprocessing  # other processes only for a trail long enough to be split, never at start
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        url = database.url.render_as_string(hide_password=False)
        # Three at once: the two halves of the trail and the checks beside it, which the system shares out
        # between the cores as each goes on (on two cores, about half the whole each, however it is made up).
        with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as apart:
            later = apart.submit(_check_part_apart, url, parts[1], SUMMARIES_EVERY)
            beside = apart.submit(_beside_apart, url)
            found = _check_part(tx, parts[0])
            try:
                second = later.result()
            except BrokenProcessPool:  # no second process here (a program that cannot be started again)
                second = _check_part(tx, parts[1])
            try:
                extra = beside.result()
            except BrokenProcessPool:
                extra = Findings()
                _beside_the_trail(tx, extra)
            found.absorb(second)
        for category, (key, problem) in extra.problems.items():
            found.said(category, key, problem)
        return _conclude(tx, found, ends, beside=False)


def _conclude(tx: Any, found: Findings, ends: tuple[int, int, datetime] | None, *, beside: bool = True) -> ChainCheck:
    if found.chain is not None:
        seq, read, problem = found.chain
        return ChainCheck(False, read, seq, problem)
    count, began = found.lines, ends[2] if ends is not None else None
    moment = trail_streams.stored_moment(tx)
    for event_id, (table, _, recorded, seq) in found.unmatched.items():
        category = "session entries" if table == SESSIONS else "patient entries"
        saved = moment(recorded)
        assert saved is not None
        if not count:
            found.said(category, (recorded, seq, event_id), "the audit trail is empty but care records exist.")
        elif began is None or saved >= began:
            when = saved.isoformat(timespec="seconds")
            found.said(
                category,
                (recorded, seq, event_id),
                f"care record {event_id} (saved {when}) has no audit entry: entries were removed after entry {count}.",
            )
    for event_id, (line, _) in found.waiting.items():
        found.said(
            "lines without records",
            (line,),
            f"care record {event_id} was removed: audit entry {line} says it was written.",
        )
    found.sets_left()
    if beside:
        _beside_the_trail(tx, found)
    if found.suspects:
        _summaries_against_trail(tx, found, sorted(found.suspects))
    _rows_against_claims(tx, found)
    for category in _CATEGORIES:
        if category in found.problems:
            return ChainCheck(False, count, None, found.problems[category][1])
    return ChainCheck(True, count, None, "")


def _beside_the_trail(tx: Any, found: Findings, sessions: list[str] | None = None) -> None:
    """The checks that read records, not lines: the sittings' scores, each course's row for the outcome report
    and the quality report's rows (of every sitting, course and entry: the whole check), each set of vital
    signs' columns (but for the whole check on SQLite, whose walk holds them to their entries as it goes),
    each signed session's scheduled points, each signature's patient, and each session's start against its
    entries (of the given sessions only, when given). Each session's summary row is held to its last line as
    the walk goes (``_Walk._look_at_rows``)."""
    if sessions is None:
        _sitting_scores(tx, found)
        _course_facts(tx, found)
        _quality_facts(tx, found)
        _point_counts(tx, found)
        _set_days(tx, found)
        _kept_outcomes(tx, found)
    _vital_sets(tx, found, sessions)
    _schedule_points(tx, found, sessions)
    _signatures(tx, found, sessions)
    for session_id, on_row, in_entries in records.starts_out_of_step(tx, sessions):
        said = "no start" if on_row is None else f"a start at {on_row.isoformat(timespec='seconds')}"
        entries = "none" if in_entries is None else f"one at {in_entries.isoformat(timespec='seconds')}"
        found.said(
            "starts",
            (0,),
            f"the session summary {session_id} was changed: it says {said}, its entries say {entries}.",
        )
        break


def _sitting_scores(tx: Any, found: Findings, sitting_ids: list[str] | None = None) -> None:
    """The scores kept in short beside each sitting (which the outcome report reads) say what its record
    says, and no sitting is without its own."""
    kept = trail_streams.sitting_scores_with_records(tx, sitting_ids)
    for place, (sitting_id, stored, kind, payload) in enumerate(kept):
        if kind != EventType.ASSESSED.value:
            problem = f"the scores kept for sitting {sitting_id} have no outcome-form record: they were added by hand."
        elif scores_text(json.loads(payload).get("forms", ())) != stored:
            problem = f"the scores kept for sitting {sitting_id} were changed: they no longer say what its record says."
        else:
            continue
        found.said("sitting scores", (0, place), problem)
        return
    for sitting_id in trail_streams.sittings_without_scores(tx, sitting_ids):
        problem = f"the scores kept for sitting {sitting_id} were removed: its outcome-form record is still there."
        found.said("sitting scores", (1, 0), problem)
        return


def _course_facts(tx: Any, found: Findings) -> None:
    """Each course's row for the outcome report (``course_facts``) says what its sessions add up to now."""
    for course_id, kept, recounted in records.course_facts_out_of_step(tx):
        if recounted is None:
            problem = f"the outcome report's row for course {course_id} names no course: it was added by hand."
        elif kept is None:
            problem = f"the outcome report's row for course {course_id} was removed: the course is still there."
        else:
            problem = (
                f"the outcome report's row for course {course_id} was changed: it no longer says what the "
                "course's sessions add up to."
            )
        found.said("course facts", (course_id,), problem)
        return


def _quality_facts(tx: Any, found: Findings) -> None:
    """Each entry that may matter to the quality report has its row in ``quality_fact``, and no row is without
    such an entry: a row removed by hand would take an override or a mismatch out of the report unseen."""
    recount = records.quality_facts_recounted(tx)
    if recount.missing:
        entry = min(recount.missing)
        problem = f"the quality report's row for entry {entry} was removed: the entry is still there."
        found.said("quality facts", (0, entry), problem)
    elif recount.extra:
        row = min(recount.extra)
        problem = f"the quality report's row {row} names no entry that keeps one: it was added by hand."
        found.said("quality facts", (1, row), problem)


def _kept_outcomes(tx: Any, found: Findings) -> None:
    """Each course's part in the outcome report as kept (``course_outcome``) that a report would read (its
    patient's basis unchanged since) is what the course's records count to under the rules it names: a row
    changed by hand would change every report over its period unseen. The rules are found among today's
    protocol and those the records keep; rows under rules none of them names (another time zone) no report
    made here reads, and they are left."""
    from core.outcomes.kept import rule_key
    from core.promis import shipped

    bases = records.outcome_bases(tx)
    standing = [
        (key, holds, k)
        for key, basis, holds, k in records.kept_course_outcomes(tx)
        if basis == bases.get(k.patient_id, 0)
    ]
    if not standing:
        return
    tables = shipped()
    by_key = {rule_key(protocol, tables): protocol for protocol in Rules(records.protocol_texts(tx)).every()}
    for key in sorted({key for key, _, _ in standing} & by_key.keys()):
        rows = [(holds, k) for row_key, holds, k in standing if row_key == key]
        for course_id, problem in _kept_out_of_step(tx, by_key[key], tables, rows):
            found.said("kept outcomes", (course_id,), f"the outcome report's kept row for course {course_id} {problem}")
            return


def _kept_out_of_step(
    tx: Any, protocol: Protocol, tables: PromisTables, rows: list[tuple[datetime, KeptCourse]]
) -> Iterator[tuple[str, str]]:
    """The kept rows (each with the first cut-off it holds for) that are not what a report counting every
    course from its records makes of their courses, in the courses' order: (course, what is wrong). The report
    counted is one over every row's first day to a cut-off at or after each row's, so it is the one each row
    stands for. A course's part is its patient's records alone, so the courses are counted a few thousand
    patients at a time (``PATIENTS_AT_ONCE``), each row with its course's patient as the records name it."""
    from core.outcomes.cohort import day_bounds
    from core.outcomes.kept import kept_from
    from core.outcomes.metrics import prepare
    from core.outcomes.windows import earliest_counted

    first = min(k.first_infusion for _, k in rows).astimezone().date()
    last = max(holds for holds, _ in rows).astimezone().date()
    start, cutoff = day_bounds(first, last)
    counted_from = earliest_counted(protocol.outcomes, start)
    whose = records.patients_of_courses(tx, [k.course_id for _, k in rows])
    counted_for = set(records.patients_opened_between(tx, start, cutoff))  # the patients such a report reads
    by_patient: dict[str, list[KeptCourse]] = {}
    wrong: list[tuple[str, str]] = []
    for _, kept in rows:
        patient_id = whose.get(kept.course_id)
        if patient_id not in counted_for:
            wrong.append((kept.course_id, _ADDED))
        else:
            by_patient.setdefault(patient_id, []).append(kept)
    patients = sorted(by_patient)
    for at in range(0, len(patients), PATIENTS_AT_ONCE):
        among = patients[at : at + PATIENTS_AT_ONCE]
        cohort = records.outcome_cohort(tx, start, cutoff, cutoff, counted_from, among=among)
        counted = {k.course_id: k for k in kept_from(prepare(protocol, cohort, first, last, tables))}
        for kept in (kept for patient_id in among for kept in by_patient[patient_id]):
            problem = _kept_problem(counted.get(kept.course_id), kept)
            if problem is not None:
                wrong.append((kept.course_id, problem))
    yield from sorted(wrong)


def _kept_problem(now: KeptCourse | None, kept: KeptCourse) -> str | None:
    """What is wrong with a kept row against its course counted now (None: not counted), if anything."""
    if now is None:
        return _ADDED
    if not kept.shapes:
        return "names a list of scoring tables that is not kept: it was removed by hand."
    if now != kept:
        return "was changed: it no longer says what the course's records count to."
    return None


def _point_counts(tx: Any, found: Findings) -> None:
    """The scheduled points counted by day, and each session's first and last, say what the points kept say:
    a count changed by hand would move the timeliness figures of every period over its day unseen."""
    recount = records.point_counts_recounted(tx)
    if recount.days:
        (day, schedule, point_id, status), kept, _ = recount.days[0]
        count = f"the quality report's count of {schedule} point {point_id} {status} on {day.isoformat()}"
        if kept is None:
            problem = f"{count} was removed: its points are still there."
        else:
            problem = f"{count} was changed (or added by hand): it no longer says what the points kept say."
        found.said("point counts", (0, day.isoformat(), schedule, point_id, status), problem)
    elif recount.spans:
        session_id, kept, _ = recount.spans[0]
        said = "was removed: its points are still there." if kept is None else "no longer says when its points fell."
        found.said("point counts", (1, session_id), f"the quality report's span of session {session_id} {said}")


def _set_days(tx: Any, found: Findings) -> None:
    """Each day's packed sets of vital signs hold that day's sets as ``vital_set`` keeps them: a day changed
    by hand would move the alarm figures and the replay of every period over it unseen."""
    differ = records.set_days_recounted(tx)
    if not differ:
        return
    day, kept, recounted = differ[0]
    said = f"the quality report's sets of vital signs of {day.isoformat()}"
    if kept is None:
        problem = f"{said} were removed: the sets are still there."
    elif recounted is None:
        problem = f"{said} were added by hand: no set was taken that day."
    else:
        problem = f"{said} were changed: they no longer say what the sets kept say."
    found.said("set days", (day.isoformat(),), problem)


def _vital_sets(tx: Any, found: Findings, sessions: list[str] | None = None) -> None:
    """The plain columns kept beside each set of vital signs (which a review of alarms counts) say what its
    entry says, and no set is without its own (of the given sessions only, when given)."""
    if sessions is None and trail_streams.rows_in_written_order(tx):
        return  # the whole check's walk holds each row to its entry as it goes (``_Walk._set_entry``)
    matched = 0
    for place, (kept, entry) in enumerate(_sets_joined(tx, sessions)):
        problem = _vital_set_problem(kept, entry)
        if problem is None:
            matched += 1
            continue
        found.said("vital sets", (0, place), problem)
        return
    if sessions is None and matched == trail_streams.vital_set_entries(tx):
        return  # every set's row was met, one each: none is without its own
    for set_id in trail_streams.sets_without_rows(tx, sessions)[:1]:
        found.said("vital sets", (1, 0), f"the columns kept for set of vital signs {set_id} were removed.")


_NO_ENTRY = (None,) * 7
"""What a set's row is compared with when no entry of its id is a set of vital signs."""


def _sets_joined(tx: Any, sessions: list[str] | None) -> Iterator[tuple[Any, Any]]:
    """Each set's row beside its entry, found by its id (a few sessions', or a database that cannot be read
    in the order stored)."""
    named = len(trail_streams.VITAL_SET_COLUMNS)
    for row in trail_streams.vital_sets_with_entries(tx, sessions):
        yield row[:named], row[named:]


def _vital_set_problem(kept: tuple[Any, ...], entry: tuple[Any, ...]) -> str | None:
    """What is wrong with one set's row against its entry (``trail_streams.vital_sets_with_entries``)."""
    set_id, session_id, seq, taken_at, by = kept[:5]
    kind, entry_session, entry_seq, occurred_at, recorded_by, payload, first_started = entry
    if kind != EventType.VITALS.value:
        what = f"the columns kept for set of vital signs {set_id}"
        return f"{what} have no entry: it was removed, or they were added by hand."
    expected = records.set_values(json.loads(payload), first_started is not None and first_started < seq)
    # SQLite keeps a flag as 0 or 1, equal to False and True in a tuple's comparison
    if (session_id, seq, taken_at, by) != (entry_session, entry_seq, occurred_at, recorded_by) or kept[5:] != expected:
        return f"the columns kept for set of vital signs {set_id} were changed: they no longer say what its entry says."
    return None


def _schedule_points(tx: Any, found: Findings, sessions: list[str] | None = None) -> None:
    """The scheduled points kept for each signed session (which a review of timeliness counts) are those its
    entries, replayed up to the signature under its own protocol, give; no session without a signature has
    any (of the given sessions only, when given). The whole check on SQLite reads the points and the entries
    once each in the order stored and pairs them as they come (``_points_out_of_step``); the sessions whose
    points did not match as read, and every session elsewhere or of the given ones, are read by key and the
    first in the order signed whose points are wrong is said."""
    signed = records.signed_sessions(tx, sessions)
    for session_id in sorted(records.sessions_with_points(tx, sessions) - set(signed))[:1]:
        problem = f"scheduled points are kept for session {session_id}, which is not signed: they were added by hand."
        found.said("scheduled points", (0,), problem)
        return
    rules = Rules(records.protocol_texts(tx)) if signed else None
    moment = trail_streams.stored_moment(tx)
    if sessions is None and trail_streams.rows_in_written_order(tx):
        out_of_step = set(_points_out_of_step(tx, rules, moment)) if rules is not None else set()
        signed = [session_id for session_id in signed if session_id in out_of_step]
    # A chunk's entries come by session id: its sessions are put back in the order signed, so the first
    # signed whose points are wrong is the one said.
    place = {session_id: n for n, session_id in enumerate(signed)}
    logs = (
        log
        for ids in trail_streams.chunks(signed)
        for log in sorted(_schedule_logs(tx, ids, moment), key=lambda log: place[log[0]])
    )
    for batch in _batched(logs, trail_streams.BATCH_SESSIONS):
        kept: dict[str, set[tuple[Any, ...]]] = {session_id: set() for session_id, _ in batch}
        for row in records.kept_points(tx, list(kept)):
            kept[row[0]].add(row[1:])
        for session_id, events in batch:
            assert rules is not None  # there are signed sessions
            expected = set(replayed(rules.of(events), events) or ())
            problem = _points_problem(session_id, kept[session_id], expected)
            if problem is not None:
                found.said("scheduled points", (1,), problem)
                return


_ADDED = "stands for no course the report counts: it was added by hand."

PATIENTS_AT_ONCE = 2_000
"""Patients whose courses the check of the outcome report's kept rows counts at once: ten years' patients at
once held half a gigabyte of records."""

POINTS_AHEAD = 20_000
"""Sessions' kept points read ahead of the signatures while a signed session's points are looked for: more
are not held (that session is then looked at again by key), so points removed by hand do not make the check
hold every later session's."""


def _points_out_of_step(tx: Any, rules: Rules, moment: Any) -> Iterator[str]:
    """The signed sessions whose kept points are not, as read in the order stored, the points their entries
    give (some may be right, their rows stored out of turn); each session's entries up to its signature and
    the kept points are read once each, in the order stored, and paired as they come: a signature's points
    are written with it, so the next session's points read are, as a rule, those of the session just signed.
    Points met out of turn wait (up to ``POINTS_AHEAD`` sessions'); the sessions with points met twice or
    never paired are said at the end."""
    groups = _kept_groups(trail_streams.schedule_points_stored(tx), moment)
    ahead: dict[str, list[tuple[Any, ...]]] = {}
    for session_id, events in _signed_logs_stored(tx, moment):
        expected = replayed(rules.of(events), events) or ()
        kept = ahead.pop(session_id, None)
        if kept is None and expected:
            for other, rows in groups:
                if other == session_id:
                    kept = rows
                    break
                if other in ahead:
                    yield other  # its points in two places
                ahead[other] = rows
                if len(ahead) >= POINTS_AHEAD:
                    break
        if kept is None:
            if expected:
                yield session_id
        elif kept != list(expected) and set(kept) != set(expected):
            yield session_id
    yield from ahead
    for other, _ in groups:
        yield other


def _kept_groups(rows: Iterator[tuple[Any, ...]], moment: Any) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """The kept points read in the order stored, a run of one session's rows at a time, each row as
    ``records.kept_points`` gives it less its session (its moments read as the table's type reads them)."""
    session_id: str | None = None
    group: list[tuple[Any, ...]] = []
    for row in rows:
        if row[0] != session_id:
            if session_id is not None:
                yield session_id, group
            session_id, group = row[0], []
        taken = row[4]
        group.append((row[1], row[2], moment(row[3]), None if taken is None else moment(taken), row[5], row[6]))
    if session_id is not None:
        yield session_id, group


def _batched(logs: Iterator[tuple[str, list[Event]]], size: int) -> Iterator[list[tuple[str, list[Event]]]]:
    batch: list[tuple[str, list[Event]]] = []
    for log in logs:
        batch.append(log)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


_SCHEDULE_READS = (EventType.OPENED, EventType.SCREENED, EventType.ALERT_ACKNOWLEDGED)
"""The entries whose whole payload a signed session's schedules are replayed from (its protocol, whether
care ended at screening, the rechecks asked for); of a set of vital signs and a side-effect check only the
point it answered is read."""
_SCHEDULE_KINDS = (
    *_SCHEDULE_READS,
    EventType.VITALS,
    EventType.SIDE_EFFECTS,
    EventType.STARTED,
    EventType.PAUSED,
    EventType.RESUMED,
    EventType.COMPLETED,
    EventType.STOPPED_EARLY,
    EventType.DISCHARGED,
    EventType.ABANDONED,
    EventType.SIGNED,
)
"""The entries the schedules are made of (``session_state.signed_schedule``), read for their kind and
moments: the pump's stretches, the end of care, the signature. The others (a weighing, a dose…) leave them
as they are once signed, when every stretch has closed."""


_KIND_OF = {kind.value: kind for kind in EventType}
_NEW_EVENT = object.__new__


def _entry(row: tuple[Any, ...], moment: Any) -> Event:
    """An entry as ``replayed`` reads it, its fields set as ``Event``'s own ``__init__`` sets them, without
    its frozen setting of each field in turn (a fifth of the look at ten years' schedules). When it was
    saved is read for the signature only (``trail_streams.schedule_entries``), the one entry ``replayed``
    reads it of: the others carry when they happened in its place."""
    session_id, event_id, seq, kind, occurred, recorded, payload, point = row
    event: Event = _NEW_EVENT(Event)
    occurred_at = moment(occurred)
    fields = event.__dict__  # set one by one: quicker than one update from keywords
    fields["id"] = event_id
    fields["session_id"] = session_id
    fields["seq"] = seq
    fields["type"] = _KIND_OF[kind]
    fields["occurred_at"] = occurred_at
    fields["recorded_at"] = occurred_at if recorded is None else moment(recorded)
    fields["recorded_by"] = ""
    fields["workstation"] = ""
    fields["payload"] = _loads(payload) if payload is not None else ({"point_id": point} if point is not None else {})
    fields["corrects"] = None
    fields["reason"] = None
    return event


def _schedule_logs(tx: Any, session_ids: list[str], moment: Any) -> Iterator[tuple[str, list[Event]]]:
    """Each of these sessions' entries as ``replayed`` reads them, a session at a time."""
    entries: list[Event] = []
    for row in trail_streams.schedule_entries(tx, session_ids, _SCHEDULE_KINDS, _SCHEDULE_READS):
        if entries and entries[0].session_id != row[0]:
            yield entries[0].session_id, entries
            entries = []
        entries.append(_entry(row, moment))
    if entries:
        yield entries[0].session_id, entries


def _signed_logs_stored(tx: Any, moment: Any) -> Iterator[tuple[str, list[Event]]]:
    """Every signed session's entries up to its signature, read in the order stored (one pass over the
    file, not a look somewhere else in it for each session): a session is handed on once its signature
    comes (anything of it stored after that is not its schedule's); the entries of sessions never signed
    are left behind at the end."""
    open_: dict[str, list[Event]] = {}
    handed: set[str] = set()
    signed = EventType.SIGNED.value
    for row in trail_streams.schedule_entries(tx, None, _SCHEDULE_KINDS, _SCHEDULE_READS):
        if row[0] in handed:
            continue
        entries = open_.setdefault(row[0], [])
        entries.append(_entry(row, moment))
        if row[3] == signed:
            del open_[row[0]]
            handed.add(row[0])
            entries.sort(key=operator.attrgetter("seq"))
            yield row[0], entries


def _points_problem(session_id: str, kept: set[tuple[Any, ...]], expected: set[tuple[Any, ...]]) -> str | None:
    what = f"the scheduled points kept for session {session_id}"
    if kept == expected:
        return None
    if kept < expected:
        return f"{what} were removed: its entries say {len(expected)} fell, {len(kept)} are kept."
    if kept > expected:
        return f"{what} include points its entries do not have: they were added by hand."
    return f"{what} were changed: they no longer say what its entries say."


def _signatures(tx: Any, found: Findings, sessions: list[str] | None) -> None:
    """Each session's signature still covers the patient on record (when it named her)."""
    day = trail_streams.stored_date(tx)
    covered: dict[tuple[Any, ...], PatientAtSigning] = {}
    """Who a signature must cover, by the patient's record as read (worked out once for each patient)."""
    for row in trail_streams.signings(tx, sessions):
        event_id, session_id, seq, payload, recorded = row[0], row[1], row[2], row[4], row[6]
        mrn, family_name, given_name, born = row[11:]
        key = (recorded, seq, event_id)
        known = found.problems.get("signatures")
        if known is not None and known[0] < key:
            continue
        try:  # the payload as ``Event.data_as(SessionSigned)`` reads it, without the rest of an Event
            who = SessionSigned.from_payload(_loads(payload)).patient
        except UnreadableEntry:
            problem = f"care record {event_id} cannot be read, so who its signature covered cannot be checked."
            found.said("signatures", key, problem)
            continue
        if who is None:
            continue
        if mrn is not None:
            on_record = covered.get(row[11:])
            if on_record is None:
                birth = day(born).isoformat()
                on_record = covered[row[11:]] = PatientAtSigning(**identifiers(mrn, family_name, given_name, birth))
            if on_record == who:
                continue
        found.said(
            "signatures",
            key,
            f"the patient record of session {session_id} no longer matches who its signature covered.",
        )


_ROWS: tuple[tuple[str, Callable[..., Iterator[Any]], Callable[[Any], str], str], ...] = (
    ("patient", trail_streams.patient_records, patient_content, "patient record"),
    ("details", trail_streams.details_records, details_content, "sex and allergies record"),
    ("course", trail_streams.course_records, course_content, "course order"),
    ("summary", trail_streams.session_summaries, summary_content, "session summary"),
)


def _rows_against_claims(tx: Any, found: Findings, *, every: bool = True) -> None:
    """Each patient, details, course and summary row a line describes is as the last such line says."""
    for kind, read, content, what in _ROWS:
        claims = dict(found.claims.get(kind, {}))
        if not claims:
            continue
        rows = read(tx) if every else (row for ids in trail_streams.chunks(claims) for row in read(tx, ids))
        for row in rows:
            claim = claims.pop(row.id, None)
            if claim is not None and content(row) != claim[2]:
                problem = (
                    f"the {what} {row.id} was changed after it was written (audit entry {claim[1]} says otherwise)."
                )
                found.said(kind, (claim[0],), problem)
        for key, (first, last, _) in claims.items():
            found.said(kind, (first,), f"the {what} {key} was removed: audit entry {last} says it was written.")


def _summary_hash(row: tuple[Any, ...], moment: _Moments) -> str:
    """``content_hashes.summary_content`` of a summary row read as ``trail_streams.SUMMARY_COLUMNS``."""
    session_id, patient_id, chair, protocol, version, protocol_hash, opened, by, step, outcome, active, last = row
    texts = moment.texts
    body = (
        f'{{"active":{"true" if active else "false"},"chair":{chair if type(chair) is int else canonical_json(chair)},'
        f'"id":{_text(session_id)},"last_seq":{last if type(last) is int else canonical_json(last)},'
        f'"opened_at":"{moment(opened)}","opened_by":{texts[by]},"outcome":{texts[outcome]},'
        f'"patient_id":{_text(patient_id)},"protocol":[{texts[protocol]},{texts[version]},{texts[protocol_hash]}],'
        f'"step":{texts[step]}}}'
    )
    return sha256(body.encode()).hexdigest()


def _summaries_against_trail(tx: Any, found: Findings, sessions: list[str] | None = None) -> None:
    """Each session's summary row (of every session, or of these) is as the last care entry's line of the
    session says, as the database finds each session's first and last such line: the whole check asks it
    of the sessions whose row did not match what the walk saw last, whose problem it says in the words and
    order it always had."""
    moment = _Moments(trail_streams.stored_moment(tx))
    claims = (
        trail_streams.summary_claims(tx)
        if sessions is None
        else (claim for ids in trail_streams.chunks(sessions) for claim in trail_streams.summary_claims(tx, ids))
    )
    for claim in claims:
        session_id, first, last, detail, row = claim[0], claim[1], claim[2], claim[3], claim[4:]
        known = found.problems.get("summary")
        if known is not None and known[0] < (first,):
            continue
        if row[0] is None:
            problem = f"the session summary {session_id} was removed: audit entry {last} says it was written."
        elif _summary_hash(row, moment) != _loads(detail)["summary_hash"]:
            changed = f"audit entry {last} says otherwise"
            problem = f"the session summary {row[0]} was changed after it was written ({changed})."
        else:
            continue
        found.said("summary", (first,), problem)


@dataclass(frozen=True)
class SinceCheck:
    """The result of ``since_anchor``: ``held`` is False when the trail no longer holds the anchor's entry
    with its hash (nothing after it was checked: ``problem`` says why)."""

    held: bool
    ok: bool
    entries: int
    """Lines checked after the anchor's entry."""
    first_broken: int | None
    problem: str


def since_anchor(database: Database, seq: int, entry_hash: str) -> SinceCheck:
    """Check what came after entry ``seq``, noted with ``entry_hash`` outside the database: that the trail
    still holds that entry with that hash (and the entry's own fields give it), then every line after it and
    what those lines describe (``SINCE_ANCHOR_COVERS``). Reads only those lines and the records they name."""
    with database.session() as tx:
        moment = _Moments(trail_streams.stored_moment(tx))
        noted = next(trail_streams.trail_lines(tx, seq - 1, seq), None)
        if noted is None or noted[0] != seq or noted[9] != entry_hash:
            return SinceCheck(False, False, 0, None, f"the trail does not hold entry {seq} with the noted hash.")
        if _line_hash(noted, moment)[0] != entry_hash:
            return SinceCheck(False, False, 0, seq, f"entry {seq} was changed after it was written.")
        found = Findings()
        _Walk(tx, found, (seq + 1, entry_hash)).lines(trail_streams.trail_lines(tx, seq), {})
        if found.chain is not None:
            broken, _, problem = found.chain
            return SinceCheck(True, False, found.lines, broken, problem)
        named = set(found.waiting)
        sessions: set[str] = set()
        patients: set[str] = set()
        for row in trail_streams.trail_lines(tx, seq):
            if row[6] is not None:
                sessions.add(row[6])
            elif row[3] == AuditAction.RECORD_WRITTEN and row[5] is not None:
                patients.add(row[5])
        walk = _Walk(tx, found, (0, ""))
        after = trail_streams.stored_moment(tx)(noted[1])
        last = seq + found.lines
        for ids in trail_streams.chunks(sorted(named)):
            for entry in trail_streams.session_entries_by_id(tx, ids):
                walk._entry(SESSIONS, entry)
            for entry in trail_streams.patient_entries_by_id(tx, ids):
                walk._entry(PATIENTS, entry)
        for event_id, (line, _) in found.waiting.items():
            problem = f"care record {event_id} was removed: audit entry {line} says it was written."
            found.said("lines without records", (line,), problem)
        for table, owners, read in (
            (SESSIONS, sessions, trail_streams.session_entries_of),
            (PATIENTS, patients, trail_streams.patient_entries_of),
        ):
            category = "session entries" if table == SESSIONS else "patient entries"
            for ids in trail_streams.chunks(sorted(owners)):
                for entry in read(tx, ids):
                    recorded, entry_seq = (entry[6], entry[2]) if table == SESSIONS else (entry[7], entry[3])
                    saved = trail_streams.stored_moment(tx)(recorded)
                    if entry[0] in named or saved is None or after is None or saved <= after:
                        continue
                    when = saved.isoformat(timespec="seconds")
                    found.said(
                        category,
                        (recorded, entry_seq, entry[0]),
                        f"care record {entry[0]} (saved {when}) has no audit entry: entries were removed after "
                        f"entry {last}.",
                    )
        touched = sorted(sessions)
        for ids in trail_streams.chunks(touched):
            _beside_the_trail(tx, found, ids)
        for ids in trail_streams.chunks(sorted(named)):
            _sitting_scores(tx, found, ids)
        _rows_against_claims(tx, found, every=False)
    for category in _CATEGORIES:
        if category in found.problems:
            return SinceCheck(True, False, found.lines, None, found.problems[category][1])
    return SinceCheck(True, True, found.lines, None, "")
