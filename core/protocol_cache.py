"""The protocol as last validated, kept in this account's cache folder so a start need not parse its TOML.

The protocol file is read and hashed on every start, as before; the cache is used only when it was made
from a file with that same SHA-256 by this same code (the protocol model's source and pydantic's
version) and its content matches the digest written with it (a damaged cache is not read).

What the cache holds was validated before it was written, so it is rebuilt as it stands (``rebuilt``: each
model made with ``model_construct``, each value given its field's type) rather than validated again: the
protocol models are then only built for validation when a protocol file is parsed (``defer_build``), some
15 ms of every start. The rebuilding is strict: a value that does not fit its field's type exactly, a key
too many or too few, a field type it does not know, and the cache is not used.

Whatever is wrong with the cache (missing, unreadable, corrupt, made from another file or by other code,
not private) it is ignored and made again from the file: the file is always the authority, and a problem
in the file is reported exactly as without a cache. The cache file is 0600 like every file Chairside
writes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import marshal
import os
import stat
import types
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pydantic
from pydantic import BaseModel

import core.protocol
from core.paths import cache_dir, resource_path
from core.private_files import PRIVATE, write_whole
from core.protocol import DEFAULT_PROTOCOL_FILE, Protocol, parse_protocol, read_protocol_file

log = logging.getLogger(__name__)
FORMAT = 3
"""Bumped when what this module writes changes shape."""


def cache_file(path: Path) -> Path:
    """One cache file per protocol file, named for its path, in this account's cache folder."""
    name = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    return cache_dir() / "protocols" / f"{path.stem}-{name}.json"


def code_fingerprint() -> str:
    """What made the cache: a cache written by another version of the protocol model is not read."""
    return hashlib.sha256(_model_code() + f"|{pydantic.VERSION}|{FORMAT}".encode()).hexdigest()


def _model_code() -> bytes:
    """The protocol model's source; in the bundle, which ships no sources, its compiled code."""
    try:
        return Path(core.protocol.__file__).read_bytes()
    except OSError:
        spec = core.protocol.__spec__
        code = spec.loader.get_code(spec.name) if spec is not None and spec.loader is not None else None
        if code is None:
            raise
        return marshal.dumps(code)


def load_protocol_cached(path: Path | None = None) -> Protocol:
    """``core.protocol.load_protocol``, through the cache: the same protocol, or the same ProtocolError."""
    path = path or resource_path(DEFAULT_PROTOCOL_FILE)
    data = read_protocol_file(path)
    file_hash = hashlib.sha256(data).hexdigest()
    where = cache_file(path)
    fingerprint = code_fingerprint()
    cached = _read(where, file_hash, fingerprint, data)
    if cached is not None:
        return cached
    protocol = parse_protocol(data, str(path))  # a bad file raises here, as without a cache
    _write(where, file_hash, fingerprint, protocol)
    return protocol


def _read(where: Path, file_hash: str, fingerprint: str, data: bytes) -> Protocol | None:
    """The cached protocol if it is private, whole, for this file and by this code; else None."""
    try:
        with where.open("rb") as file:
            mode = os.fstat(file.fileno())
            if mode.st_uid != os.getuid() or stat.S_IMODE(mode.st_mode) != PRIVATE:
                log.warning("ignoring the protocol cache %s: not private to this account", where)
                return None
            kept = json.loads(file.read())
        if kept["file_sha256"] != file_hash or kept["code"] != fingerprint:
            return None
        payload = kept["protocol"]
        if hashlib.sha256(payload.encode()).hexdigest() != kept["protocol_sha256"]:
            raise ValueError("its content does not match its own digest (damaged)")
        protocol = rebuilt(Protocol, json.loads(payload))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:  # corrupt: made again
        log.warning("ignoring the protocol cache %s: %s", where, error)
        return None
    if protocol.content_hash != file_hash or protocol.text != data.decode("utf-8", errors="replace"):
        log.warning("ignoring the protocol cache %s: it does not hold the protocol file's text", where)
        return None
    return protocol


def _write(where: Path, file_hash: str, fingerprint: str, protocol: Protocol) -> None:
    """Best effort: a cache that cannot be written only means the next start parses the file again."""
    payload = protocol.model_dump_json()
    kept = {
        "file_sha256": file_hash,
        "code": fingerprint,
        "protocol_sha256": hashlib.sha256(payload.encode()).hexdigest(),
        "protocol": payload,
    }
    try:
        where.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_whole(where, json.dumps(kept).encode())
    except OSError as error:
        log.warning("could not keep the protocol cache %s: %s", where, error)


class NotRebuilt(ValueError):
    """The cached data does not fit the protocol model exactly: the cache is not used."""


def rebuilt(annotation: Any, value: Any) -> Any:
    """``value`` (a validated protocol's JSON form) made again into what ``annotation`` validated it to,
    without validating: models by ``model_construct``, Decimals from their exact strings, enums by value."""
    origin = get_origin(annotation)
    if origin is Annotated:  # a constraint was checked when the protocol was validated
        return rebuilt(get_args(annotation)[0], value)
    if origin is Union or origin is types.UnionType:
        return _one_of(get_args(annotation), value)
    if origin is Literal:
        if value not in get_args(annotation):
            raise NotRebuilt(f"{value!r} is not one of {get_args(annotation)}")
        return value
    if origin is list:
        (item,) = get_args(annotation)
        return [rebuilt(item, each) for each in _typed(list, value)]
    if origin is dict:
        key, item = get_args(annotation)
        return {rebuilt(key, k): rebuilt(item, v) for k, v in _typed(dict, value).items()}
    if origin is not None or not isinstance(annotation, type):
        raise NotRebuilt(f"no rebuilding for {annotation!r}")
    if issubclass(annotation, BaseModel):
        fields = annotation.model_fields
        data = _typed(dict, value)
        if data.keys() != fields.keys():
            raise NotRebuilt(f"{annotation.__name__}: the fields differ ({sorted(data.keys() ^ fields.keys())})")
        return annotation.model_construct(**{name: rebuilt(f.annotation, data[name]) for name, f in fields.items()})
    if issubclass(annotation, Enum):
        return annotation(value)
    if annotation is Decimal:
        return Decimal(_typed(str, value))
    if annotation in (str, int, bool):
        return _typed(annotation, value)
    raise NotRebuilt(f"no rebuilding for {annotation!r}")


def _one_of(arms: tuple[Any, ...], value: Any) -> Any:
    """A union: None where it may be None, a model for an object, else its one other type."""
    if value is None and type(None) in arms:
        return None
    models = [arm for arm in arms if isinstance(arm, type) and issubclass(arm, BaseModel)]
    others = [arm for arm in arms if arm is not type(None) and arm not in models]
    if isinstance(value, dict) and len(models) == 1:
        return rebuilt(models[0], value)
    if not isinstance(value, dict) and len(others) == 1:
        return rebuilt(others[0], value)
    raise NotRebuilt(f"{value!r} does not fit one of {arms}")


def _typed(kind: type, value: Any) -> Any:
    """``value`` if it is exactly a ``kind`` (JSON's true is not an int, nor 1 a bool)."""
    if type(value) is not kind:
        raise NotRebuilt(f"{value!r} is not a {kind.__name__}")
    return value
