"""Chairside finds the print system where CUPS's own commands find it: ``CUPS_SERVER`` first, then a
``ServerName`` in the account's client.conf (a clinic's central print server), then the local socket."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.printing.ipp import Server


def test_it_is_found_as_cups_own_commands_find_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUPS_SERVER", "/run/private/cups.sock")
    assert Server.of_this_computer() == Server(socket_path="/run/private/cups.sock")
    monkeypatch.delenv("CUPS_SERVER")
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".cups").mkdir()
    conf = "# the clinic's print server\nServerName print.clinic.example:8631\n"
    (tmp_path / ".cups" / "client.conf").write_text(conf)
    assert Server.of_this_computer() == Server(host="print.clinic.example", port=8631)
