"""The protocol a start reads from its cache is the one the file says, or the cache is not used at all."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pytest
from pydantic import BaseModel

import core.protocol_cache
from core.errors import ProtocolError
from core.paths import resource_path
from core.protocol import DEFAULT_PROTOCOL_FILE, Protocol, load_protocol
from core.protocol_cache import cache_file, load_protocol_cached, rebuilt


@pytest.fixture
def protocol_file(tmp_path: Path) -> Path:
    """A copy of the shipped protocol that a test may change."""
    path = tmp_path / "protocol.toml"
    path.write_bytes(resource_path(DEFAULT_PROTOCOL_FILE).read_bytes())
    return path


def test_the_cached_protocol_is_the_files_and_the_cache_is_private(protocol_file: Path) -> None:
    first = load_protocol_cached(protocol_file)
    kept = cache_file(protocol_file)
    assert kept.exists()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    again = load_protocol_cached(protocol_file)  # from the cache this time
    assert again == first == load_protocol(protocol_file)


def test_a_changed_file_is_parsed_again_not_taken_from_the_cache(protocol_file: Path) -> None:
    before = load_protocol_cached(protocol_file)
    text = protocol_file.read_text(encoding="utf-8")
    changed = text.replace(f'version = "{before.version}"', 'version = "99.0.0"', 1)
    assert changed != text
    protocol_file.write_text(changed, encoding="utf-8")
    after = load_protocol_cached(protocol_file)
    assert after.version == "99.0.0"
    assert after.content_hash != before.content_hash
    assert after == load_protocol(protocol_file)
    kept = json.loads(cache_file(protocol_file).read_bytes())
    assert kept["file_sha256"] == after.content_hash  # made again for the new file


def test_a_cache_whose_hash_does_not_match_is_never_trusted(protocol_file: Path) -> None:
    """A cache saying the file's hash but holding another protocol (edited by hand, or a bug) is ignored."""
    real = load_protocol_cached(protocol_file)
    where = cache_file(protocol_file)
    kept = json.loads(where.read_bytes())
    forged = json.loads(kept["protocol"])
    forged["version"] = "7.7.7"
    kept["protocol"] = json.dumps(forged)
    where.write_text(json.dumps(kept))
    assert load_protocol_cached(protocol_file) == real  # its text differs from the file: not used
    kept["file_sha256"] = "0" * 64
    where.write_text(json.dumps(kept))
    assert load_protocol_cached(protocol_file) == real


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"file_sha256": 1}', b"\xff\xfe"])
def test_a_corrupt_cache_is_ignored_and_made_again(protocol_file: Path, content: bytes) -> None:
    real = load_protocol_cached(protocol_file)
    where = cache_file(protocol_file)
    where.write_bytes(content)
    assert load_protocol_cached(protocol_file) == real
    assert json.loads(where.read_bytes())["file_sha256"] == real.content_hash


def test_a_cache_others_could_write_is_not_read(protocol_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_protocol_cached(protocol_file)
    where = cache_file(protocol_file)
    where.chmod(0o666)
    read: list[str] = []
    monkeypatch.setattr(core.protocol_cache, "rebuilt", lambda *args, **kw: read.append("cache") or None)
    assert load_protocol_cached(protocol_file) == load_protocol(protocol_file)
    assert read == []
    assert stat.S_IMODE(where.stat().st_mode) == 0o600  # written again, private


def test_a_bad_file_is_refused_even_with_a_good_cache(protocol_file: Path) -> None:
    load_protocol_cached(protocol_file)
    protocol_file.write_text("version = ", encoding="utf-8")
    with pytest.raises(ProtocolError, match="cannot be read"):
        load_protocol_cached(protocol_file)


def test_a_missing_file_is_refused_as_without_a_cache(protocol_file: Path) -> None:
    load_protocol_cached(protocol_file)
    protocol_file.unlink()
    with pytest.raises(ProtocolError, match="cannot be opened"):
        load_protocol_cached(protocol_file)


def test_the_bundle_without_sources_still_caches_by_the_models_code(
    protocol_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The installed bundle ships compiled code only: the cache then names the model by its compiled code,
    which tells one model from another as its source does."""
    import core.protocol
    from core.protocol_cache import code_fingerprint

    from_source = code_fingerprint()
    monkeypatch.setattr(core.protocol, "__file__", str(protocol_file.parent / "no-such-source.py"))
    from_code = code_fingerprint()
    assert from_code != from_source
    assert code_fingerprint() == from_code
    first = load_protocol_cached(protocol_file)
    assert json.loads(cache_file(protocol_file).read_text())["code"] == from_code
    assert load_protocol_cached(protocol_file) == first == load_protocol(protocol_file)


def leaves(value: object, where: str = "protocol") -> list[tuple[str, type, str]]:
    """Every value in a protocol with its type and repr: equal protocols could still differ in type (a
    Decimal kept as a string, an enum as its value), which the clinical arithmetic would not forgive."""
    if isinstance(value, BaseModel):
        return [leaf for name in type(value).model_fields for leaf in leaves(getattr(value, name), f"{where}.{name}")]
    if isinstance(value, list):
        return [leaf for i, item in enumerate(value) for leaf in leaves(item, f"{where}[{i}]")]
    if isinstance(value, dict):
        pairs = [(*leaves(key, f"{where} key"), *leaves(item, f"{where}[{key}]")) for key, item in value.items()]
        return [leaf for pair in pairs for leaf in pair]
    return [(where, type(value), repr(value))]


def test_the_cached_protocol_is_rebuilt_as_validated_without_validating_again(
    protocol_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    validated = load_protocol_cached(protocol_file)  # parsed from the file, validated, cached
    refused = pytest.fail
    monkeypatch.setattr(Protocol, "model_validate", lambda *args, **kw: refused("validated again"))
    monkeypatch.setattr(Protocol, "model_validate_json", lambda *args, **kw: refused("validated again"))
    again = load_protocol_cached(protocol_file)
    assert again == validated
    assert leaves(again) == leaves(validated)
    assert len(leaves(validated)) > 500  # the whole protocol was compared, down to each number
    assert (again.text, again.content_hash) == (validated.text, validated.content_hash)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("dose", "mg_per_kg"), 0.5),  # a number where the validated protocol wrote a Decimal's exact string
        (("dose", "infusion_minutes"), "40"),
        (("course", "consecutive_days"), 1),  # 1 is not true
        (("dose", "basis"), "guess"),  # not a Basis
        (("pump", "second_nurse"), "never"),  # not one of the Literal's values
        (("dose", "unknown"), 1),  # a key the model does not have
        (("vials",), {"id": "x"}),  # an object where a list belongs
    ],
)
def test_a_cache_that_does_not_fit_the_model_exactly_is_not_used(
    protocol_file: Path, path: tuple[str, ...], value: object
) -> None:
    """Even with its digests right (a bug in whatever wrote it), a cache is only rebuilt if each value has
    exactly its field's type; otherwise the file is parsed and validated again, and the cache made again."""
    real = load_protocol_cached(protocol_file)
    where = cache_file(protocol_file)
    kept = json.loads(where.read_bytes())
    data = json.loads(kept["protocol"])
    place = data
    for key in path[:-1]:
        place = place[key]
    place[path[-1]] = value
    with pytest.raises(ValueError):
        rebuilt(Protocol, data)
    kept["protocol"] = json.dumps(data)
    kept["protocol_sha256"] = hashlib.sha256(kept["protocol"].encode()).hexdigest()
    where.write_text(json.dumps(kept))
    assert leaves(load_protocol_cached(protocol_file)) == leaves(real)
    assert json.loads(json.loads(where.read_bytes())["protocol"]) == json.loads(real.model_dump_json())


def test_a_missing_field_is_not_rebuilt_from_its_default() -> None:
    """A cache missing a key is not given the model's default: the file said what it said."""
    data = json.loads(load_protocol().model_dump_json())
    del data["vitals"]["temperature"]["optional"]
    with pytest.raises(ValueError, match="fields differ"):
        rebuilt(Protocol, data)
