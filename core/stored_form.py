"""How a typed entry is turned into the JSON it is stored as, and back, exactly.

Stored payloads are covered by content hashes and signatures, so reading one and writing it again must
give the very same dict: the same keys (an entry written before a key existed stays without it), the
same string for every decimal, None where None was stored. A part read from storage remembers the keys
it was read with (``stored_keys``) and is written back with exactly those; one built now is written in
the current shape, where a field with ``SAID_ONLY`` metadata is left out at its default (the writers only ever
add it when it says something) and a ``LEGACY`` one, kept only by older shapes, is never written.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, ClassVar, Self

from core.errors import ChairsideError

SAID_ONLY = types.MappingProxyType({"said_only": True})
"""A field's metadata: the current writers add it only when it says something (absent means the default)."""
LEGACY = types.MappingProxyType({"legacy": True})
"""A field's metadata: only earlier versions wrote it; kept when read, never written by a new entry."""


class UnreadableEntry(ChairsideError):
    """A stored entry whose content is not any shape Chairside ever wrote: it is refused rather than
    read wrongly, since a dose or a signature read wrongly is worse than one not read."""

    def __init__(self, what: str, problem: str) -> None:
        super().__init__(
            f"A stored {what} cannot be read: {problem}.",
            "Run 'chairside audit verify' to see whether the record was changed outside Chairside.",
        )


@dataclasses.dataclass(frozen=True)
class StoredPart:
    """A typed part of a stored payload (the whole payload, or a part of it with keys of its own)."""

    WHAT: ClassVar[str] = "entry"
    """What the part is called in an error."""

    stored_keys: tuple[str, ...] | None = dataclasses.field(default=None, kw_only=True, compare=False, repr=False)
    """The keys it was read with, in order; None for a part built now (written in the current shape)."""

    def to_payload(self) -> dict[str, Any]:
        """The stored form: the keys it was read with, or else the current shape."""
        stored_keys = self.stored_keys
        written: dict[str, Any] = {}
        for name, legacy, said_only, default in _writing(type(self)):
            value = getattr(self, name)
            if stored_keys is not None:
                keep = name in stored_keys
            elif legacy:
                keep = False
            elif said_only:
                keep = value != default
            else:
                keep = True
            if keep:
                written[name] = value if type(value) in _AS_IS else _encode(value)
        if stored_keys is not None:
            return {key: written[key] for key in stored_keys}
        return written

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> Self:
        """The part as stored; keys that shape did not have take their defaults and stay unwritten."""
        if not isinstance(data, Mapping):
            raise UnreadableEntry(cls.WHAT, f"expected an object, found {type(data).__name__}")
        decoders, required = _plan(cls)
        unknown = [key for key in data if key not in decoders]
        if unknown:
            raise UnreadableEntry(cls.WHAT, f"unknown {', '.join(map(repr, unknown))}")
        missing = [name for name in required if name not in data]
        if missing:
            raise UnreadableEntry(cls.WHAT, f"{', '.join(map(repr, missing))} missing")
        values = {}
        for key, value in data.items():
            decode, where = decoders[key]
            values[key] = decode(value, where)
        return cls(**values, stored_keys=tuple(data))


Decoder = Callable[[Any, str], Any]
"""Turns a stored value into its typed form (``where`` names it in an error)."""


@cache
def _fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    return tuple(f for f in dataclasses.fields(cls) if f.name != "stored_keys")


@cache
def _writing(cls: type) -> tuple[tuple[str, bool, bool, Any], ...]:
    """Each field as ``to_payload`` weighs it (its name, whether it is legacy, said only, its default): read
    from the fields' metadata once per type, since every entry recorded is written through it."""
    return tuple(
        (f.name, bool(f.metadata.get("legacy")), bool(f.metadata.get("said_only")), f.default) for f in _fields(cls)
    )


@cache
def _plan(cls: type) -> tuple[dict[str, tuple[Decoder, str]], tuple[str, ...]]:
    """Each field's decoder with the words naming it in an error, and the fields every shape has: worked out
    once per type, since a board replays every open chair's entries each second."""
    hints = typing.get_type_hints(cls)
    fields = _fields(cls)
    required = tuple(
        f.name for f in fields if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )
    what = cls.WHAT  # type: ignore[attr-defined]
    return {f.name: (_decoder(hints[f.name]), f"{what} {f.name}") for f in fields}, required


_AS_IS = frozenset({str, int, bool, type(None)})
"""Values stored as they are (exactly these types: a text enum is a ``str`` too, but is stored by its value)."""


def _encode(value: Any) -> Any:
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is Decimal:
        return str(value)
    if kind is tuple:
        return [item if type(item) in _AS_IS else _encode(item) for item in value]
    if kind is dict:
        return {_encode(key): _encode(item) for key, item in value.items()}
    if isinstance(value, Enum):
        return value._value_  # what ``.value`` gives, without its property's two calls (a set of vitals has 18)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return [_encode(item) for item in value]
    if isinstance(value, Mapping):
        return {_encode(key): _encode(item) for key, item in value.items()}
    return value.to_payload()  # a StoredPart, or a domain type that stores itself (core.dosing)


@cache
def _decoder(kind: Any) -> Decoder:
    """How a value stored as the annotated ``kind`` is read; one refused when its stored form is not that
    kind's."""
    origin = typing.get_origin(kind)
    if origin in {typing.Union, types.UnionType}:
        inner = _decoder(next(k for k in typing.get_args(kind) if k is not type(None)))
        return lambda value, where: None if value is None else inner(value, where)
    if origin is tuple:
        item = _decoder(typing.get_args(kind)[0])
        return lambda value, where: tuple(item(one, where) for one in _checked(list, value, where))
    if origin is Mapping:
        key_of, item_of = (_decoder(k) for k in typing.get_args(kind))
        return lambda value, where: {
            key_of(key, where): item_of(one, where) for key, one in _checked(dict, value, where).items()
        }
    if kind is Any:
        return lambda value, where: value
    if kind is Decimal:
        return lambda value, where: Decimal(_checked(str, value, where))
    if isinstance(kind, type) and issubclass(kind, Enum):
        members = {member.value: member for member in kind}
        return lambda value, where: _member(members, value, where)
    if kind in {bool, int, str}:
        return lambda value, where: _checked(kind, value, where)
    return lambda value, where: kind.from_payload(_checked(dict, value, where))


def _member(members: Mapping[Any, Enum], value: Any, where: str) -> Enum:
    """Looked up by value (calling the Enum costs several times as much, thousands of times a replay)."""
    try:
        return members[value]
    except (KeyError, TypeError):
        raise UnreadableEntry(where, f"{value!r} is not one of its values") from None


def _checked(kind: type, value: Any, where: str) -> Any:
    """Exactly that JSON type (a bool is not taken for a number, nor a number for a string)."""
    if type(value) is not kind:
        raise UnreadableEntry(where, f"expected {kind.__name__}, found {type(value).__name__}")
    return value
