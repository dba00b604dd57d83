"""``WholeFiles``: each file under a temporary name of its own, created fresh (never through a link someone
left), 0600, renamed into place only when the block ends well."""

from __future__ import annotations

from pathlib import Path

from core.private_files import WholeFiles, intended


def test_temporary_names_are_unique_and_never_follow_a_planted_link(tmp_path: Path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me")
    (tmp_path / ".out.ndjson.partial").symlink_to(target)  # the old, predictable temporary name
    with WholeFiles() as files:
        first = files.open(tmp_path / "out.ndjson")
        first.write(b"{}\n")
        partials = [p for p in tmp_path.iterdir() if p.name.endswith(".partial") and not p.is_symlink()]
        assert len(partials) == 1 and partials[0].name != ".out.ndjson.partial"
        assert intended(partials[0]) == tmp_path / "out.ndjson"
        assert partials[0].stat().st_mode & 0o777 == 0o600
    assert target.read_text() == "keep me"
    assert (tmp_path / "out.ndjson").read_bytes() == b"{}\n"
    assert intended(tmp_path / "plain.json") == tmp_path / "plain.json"
