"""What each clinic-policy threshold would have done at its neighbouring values, replaying the period's
readings: answers worked out by hand from a few sets, first built as rows, then recorded through care."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pytest

from core import records
from core.care import Care
from core.clock import ManualClock
from core.protocol import Protocol
from core.protocol import VitalKind as V
from core.quality.explained import limits_fired
from core.quality.limits import fired
from core.quality.replay import STEPS, replay
from core.quality.rows import VITALS, AlarmRows, SessionRow, SetRow, baselines_of, columns_of, ordered
from core.vitals import Tier
from tests.helpers.answers import NORMAL
from tests.helpers.clinic import T0
from tests.helpers.sessions import prepare

START, END = T0, T0 + timedelta(days=1)


def a_set(
    session: str, seq: int, minutes: int, act: str = "", advise: str = "", before_start: bool = False, **readings
) -> SetRow:
    """A full set at T0 + ``minutes``: NORMAL's readings, those given changed."""
    values = {V(k): float(v) for k, v in NORMAL.items()} | {V(k): float(v) for k, v in readings.items()}
    return SetRow(
        f"{session}-{seq}",
        session,
        seq,
        T0 + timedelta(minutes=minutes),
        "ana",
        before_start,
        False,
        None,
        tuple(values.get(kind) for kind in VITALS),
        act,
        advise,
    )


def rows_of(sets: list[SetRow], corrected: frozenset[str] = frozenset()) -> AlarmRows:
    sessions = {s.session_id: SessionRow(s.session_id, "p", 1, "h", "1.4.0", T0) for s in sets}
    return AlarmRows(START, END, sets, sessions, sorted(sessions), corrected=corrected)


def test_systolic_176_and_183_give_two_one_and_no_alarms_at_175_180_and_185(protocol: Protocol):
    # No baseline before them: only the absolute bound can fire.
    rows = rows_of(
        [a_set("a", 1, 10, advise="systolic", systolic=176), a_set("b", 1, 10, act="systolic", systolic=183)]
    )
    line = replay(protocol, rows).line("systolic.act_above")
    assert (line.value, line.step, line.unit) == (Decimal(180), Decimal(5), "mmHg")
    assert [c.value for c in line.candidates] == [Decimal(v) for v in (170, 175, 180, 185, 190)]
    assert [c.crossing for c in line.candidates] == [2, 2, 1, 0, 0]
    assert [c.sets for c in line.candidates] == [2, 2, 1, 0, 0]
    assert line.recorded == 1  # as recorded: 183 alarmed
    assert line.at(180).crossing == line.recorded  # replayed at its own value, the limit does what it did


def test_a_rise_from_the_baseline_keeps_a_set_alarming_when_the_bound_moves(protocol: Protocol):
    sets = [
        a_set("a", 1, 0, before_start=True),  # the baseline: 124
        a_set("a", 2, 10, act="systolic", systolic=176),  # risen 52
        a_set("a", 3, 20, act="systolic", systolic=183),
    ]
    result = replay(protocol, rows_of(sets))
    above = result.line("systolic.act_above")
    assert [c.crossing for c in above.candidates] == [2, 2, 1, 0, 0]
    assert [c.sets for c in above.candidates] == [2, 2, 2, 2, 2]  # still alarms: risen by more than 30
    rise = result.line("systolic.act_rise")
    assert [c.value for c in rise.candidates] == [Decimal(v) for v in (20, 25, 30, 35, 40)]
    assert [c.crossing for c in rise.candidates] == [2, 2, 2, 2, 2]  # rises of 52 and 59
    assert result.sets == 3 and result.left_out == 0


def test_an_advisory_limit_counts_sets_flagged_and_not_alarmed(protocol: Protocol):
    rows = rows_of([a_set("a", 1, 10, advise="spo2", spo2=93), a_set("b", 1, 10, advise="spo2", spo2=92)])
    line = replay(protocol, rows).line("spo2.advise_below")
    assert [c.value for c in line.candidates] == [Decimal(v) for v in (91, 92, 93, 94, 95)]
    assert [c.crossing for c in line.candidates] == [0, 1, 2, 2, 2]
    assert [c.sets for c in line.candidates] == [0, 1, 2, 2, 2]
    assert line.recorded == 2
    temperature = replay(protocol, rows).line("temperature.advise_above")
    assert temperature.step == Decimal("0.1") and temperature.candidates[0].value == Decimal("37.8")


def test_corrected_sets_are_left_out_and_the_replay_says_how_many(protocol: Protocol):
    sets = [a_set("a", 1, 10, advise="systolic", systolic=176), a_set("b", 1, 10, act="systolic", systolic=183)]
    result = replay(protocol, rows_of(sets, corrected=frozenset({"b-1"})))
    assert [c.crossing for c in result.line("systolic.act_above").candidates] == [1, 1, 0, 0, 0]
    assert (result.sets, result.left_out) == (1, 1)
    assert "1 set was corrected after entry and left out" in result.note
    assert "systolic 5 mmHg" in result.note and "temperature 0.1 °C" in result.note
    assert "heart rate 5 /min, respiratory rate 1 /min, SpO2 1 %" in result.note  # words, never a field's name
    assert "_" not in result.note and "pulse pressure 2 mmHg" in result.note


def test_sets_outside_the_period_are_baselines_only(protocol: Protocol):
    sets = [a_set("a", 1, -30, before_start=True, systolic=150), a_set("a", 2, 10, act="systolic", systolic=181)]
    result = replay(protocol, rows_of(sets))
    assert result.sets == 1
    rise = result.line("systolic.act_rise")
    assert [c.crossing for c in rise.candidates] == [1, 1, 1, 0, 0]  # 181 - 150 = 31: at 20, 25, 30


def test_every_limit_the_protocol_marks_clinic_policy_is_replayed(protocol: Protocol):
    keys = {line.limit.key for line in replay(protocol, rows_of([])).lines}
    assert "diastolic.advise_pulse_pressure" in keys and "heart_rate.act_below" in keys
    assert "temperature.act_above" not in keys  # the protocol sets no act-now temperature
    assert set(STEPS) == set(V)


@pytest.mark.both_stores
def test_replay_over_recorded_sets(care: Care, patient, nurses, clock: ManualClock, protocol: Protocol):
    first, _ = nurses
    sid = prepare(care, patient, nurses)  # baseline systolic 124
    care.start_infusion(sid, first.id)
    clock.advance(minutes=10)
    care.record_vitals(sid, {**NORMAL, V.SYSTOLIC: "176"}, first.id)  # a rise of 52: act-now
    clock.advance(minutes=10)
    state, _ = care.record_vitals(sid, {**NORMAL, V.SYSTOLIC: "183"}, first.id)
    typo = state.events[-1].id
    care.correct(sid, typo, "typing error", "Systolic was 138", first.id)
    with care.door.reading() as tx:
        rows = records.alarm_rows(tx, T0 - timedelta(hours=1), T0 + timedelta(days=1))
    result = replay(protocol, rows)
    assert (result.sets, result.left_out) == (2, 1)  # the baseline and 176; 183 was corrected
    above = result.line("systolic.act_above")
    assert [c.crossing for c in above.candidates] == [1, 1, 0, 0, 0]
    assert [c.sets for c in above.candidates] == [1, 1, 1, 1, 1]  # the rise alarms whatever the bound
    assert above.recorded == 1


def baselines(rows: Iterable[SetRow]) -> Iterator[tuple[SetRow, dict[V, float]]]:
    """Each set of one session (in its order) with the baseline it was measured against: the fold of the
    session's sets taken before the infusion began that came before it (a full set replaces the baseline, a
    partial one adds what it measured), as ``session_state.fold`` keeps it, set by set: what the arrays
    (``core.quality.rows.baselines_of``) are held to."""
    baseline: dict[V, float] = {}
    for row in sorted(rows, key=lambda r: r.seq):
        yield row, baseline
        if row.before_start:
            measured = {kind: v for kind, v in zip(VITALS, row.values, strict=True) if v is not None}
            baseline = {**baseline, **measured} if row.partial else measured


@pytest.mark.parametrize("partial_share", [0.4, 0.0])
def test_the_replay_folds_each_baseline_as_the_session_does(protocol: Protocol, partial_share: float):
    """Partial sets before the start add what they measured, a full one replaces the baseline (a full set
    without a temperature leaves none): the arrays give each set the baseline the fold gives it. With no
    partial set among the baselines, every vital's baseline is found at once: the same answers."""
    rng = random.Random(20)
    sets = []
    for s in range(40):
        for seq in range(1, rng.randrange(2, 9)):
            values = tuple(None if rng.random() < 0.2 else float(rng.randrange(30, 200)) for _ in VITALS)
            sets.append(
                SetRow(
                    f"{s}-{seq}",
                    f"s{s}",
                    seq,
                    T0,
                    "ana",
                    seq < 4 and rng.random() < 0.7,
                    rng.random() < partial_share,
                    None,
                    values,
                    "",
                    "",
                )
            )
    rng.shuffle(sets)
    by_session: dict[str, list[SetRow]] = {}
    for row in sets:
        by_session.setdefault(row.session_id, []).append(row)
    folded = {row.id: base for rows in by_session.values() for row, base in baselines(rows)}
    ordered = sorted(sets, key=lambda r: (r.session_id, r.seq))
    bases = baselines_of(
        np.array([int(r.session_id[1:]) for r in ordered]),
        np.array([r.values for r in ordered], dtype=float),
        np.array([r.before_start for r in ordered]),
        np.array([r.partial for r in ordered]),
    )
    for row, arrays in zip(ordered, bases, strict=True):
        expected = [folded[row.id].get(kind, math.nan) for kind in VITALS]
        assert list(arrays) == pytest.approx(expected, nan_ok=True), row
    assert any(folded[r.id] for r in sets)
    assert any(r.partial and r.before_start for r in sets) is (partial_share > 0)


RANGES = {
    V.SYSTOLIC: (60, 200),
    V.DIASTOLIC: (30, 125),
    V.HEART_RATE: (35, 150),
    V.RESPIRATORY_RATE: (5, 32),
    V.SPO2: (84, 100),
    V.SEDATION: (-5, 4),
    V.TEMPERATURE: (350, 396),  # tenths of a degree
}


def test_the_limits_fired_in_arrays_are_those_each_set_explains(protocol: Protocol):
    """Sets with findings at either tier (some no limit explains, some of a vital not measured), baselines
    partial and full, some before the period: the arrays count under each limit what ``fired`` says of each
    set against the baseline the fold gives it."""
    rng = random.Random(21)
    sets = []
    for s in range(60):
        for seq in range(1, rng.randrange(2, 10)):
            values = []
            for kind in VITALS:
                low, high = RANGES[kind]
                value = None if rng.random() < 0.1 else float(rng.randrange(low, high + 1))
                values.append(value / 10 if value is not None and kind is V.TEMPERATURE else value)
            act, advise = (",".join(v.value for v in rng.sample(VITALS, rng.choice((0, 0, 1, 2)))) for _ in "ab")
            sets.append(
                SetRow(
                    f"{s}-{seq}",
                    f"s{s}",
                    seq,
                    T0 + timedelta(minutes=rng.randrange(-120, 600)),
                    "ana",
                    seq < 4 and rng.random() < 0.7,
                    rng.random() < 0.3,
                    None,
                    tuple(values),
                    act,
                    advise,
                )
            )
    rng.shuffle(sets)
    by_session: dict[str, list[SetRow]] = {}
    for row in sets:
        by_session.setdefault(row.session_id, []).append(row)
    by_hand: Counter = Counter()
    for rows in by_session.values():
        for row, baseline in baselines(rows):
            if START <= row.taken_at < END:
                for _vital, tier, limit in fired(protocol, row, baseline):
                    by_hand[limit if limit is not None else tier] += 1
    every = columns_of(sets, START, END)
    fired_by, unexplained = limits_fired(every, ordered(every), lambda _: protocol)
    assert {**fired_by, **unexplained} == dict(by_hand)
    assert len(fired_by) > 10 and set(unexplained) == {Tier.ACT, Tier.ADVISE}
