"""The Internet Printing Protocol, as far as Chairside speaks it to the computer's print system (CUPS).

IPP (RFC 8010, 8011) is the print system's own language: an operation and its attributes, sent as one
HTTP POST. Asking it directly, rather than reading the words ``lpstat`` prints for people, gives the
exact state of a printer (idle, printing, stopped; accepting jobs or not) and of a job (pending, held,
printing, stopped, cancelled, aborted, completed), whatever the computer's language. Only the few
operations and value types Chairside needs are written here; a value of another type is kept as bytes.
No Qt here: ``core`` never draws.
"""

from __future__ import annotations

import http.client
import os
import socket
import struct
from dataclasses import dataclass, field
from enum import IntEnum
from itertools import count
from pathlib import Path

from core.errors import EnvironmentTrouble

IPP_VERSION = (2, 0)
TIMEOUT_SECONDS = 5.0
"""How long the print system has to answer one request: it answers a local request in milliseconds, and a
scheduler that has hung must not hold the window."""


class Operation(IntEnum):
    PRINT_JOB = 0x0002
    GET_JOB_ATTRIBUTES = 0x0009
    GET_PRINTER_ATTRIBUTES = 0x000B
    CUPS_GET_DEFAULT = 0x4001
    CUPS_GET_PRINTERS = 0x4002


class Tag(IntEnum):
    OPERATION = 0x01
    JOB = 0x02
    END = 0x03
    PRINTER = 0x04
    UNSUPPORTED_GROUP = 0x05
    INTEGER = 0x21
    BOOLEAN = 0x22
    ENUM = 0x23
    BEGIN_COLLECTION = 0x34
    END_COLLECTION = 0x37
    TEXT = 0x41
    NAME = 0x42
    KEYWORD = 0x44
    URI = 0x45
    CHARSET = 0x47
    LANGUAGE = 0x48
    MIME_TYPE = 0x49
    MEMBER_NAME = 0x4A


_STRINGS = {Tag.TEXT, Tag.NAME, Tag.KEYWORD, Tag.URI, Tag.CHARSET, Tag.LANGUAGE, Tag.MIME_TYPE, Tag.MEMBER_NAME}
_NUMBERS = {Tag.INTEGER, Tag.ENUM}
_request_ids = count(1)

Value = str | int | bool | bytes


@dataclass(frozen=True)
class Attribute:
    tag: Tag
    name: str
    values: tuple[Value, ...]


@dataclass
class Response:
    status: int
    groups: list[tuple[int, dict[str, tuple[Value, ...]]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status < 0x0100

    def group(self, tag: Tag) -> list[dict[str, tuple[Value, ...]]]:
        """Every group of this kind (one per printer in a list of printers)."""
        return [attributes for kind, attributes in self.groups if kind == tag]


class PrintSystemUnreachable(EnvironmentTrouble):
    """The print system did not answer: not running, not installed, or hung."""


class PrintSystemRefused(EnvironmentTrouble):
    """The print system answered with an error status (a queue not accepting jobs, a printer not found)."""

    def __init__(self, message: str, advice: str, status: int) -> None:
        super().__init__(message, advice)
        self.status = status


NOT_FOUND = 0x0406
NOT_ACCEPTING_JOBS = 0x0506


def encode(operation: Operation, groups: list[tuple[Tag, list[Attribute]]], document: bytes = b"") -> bytes:
    """One request: the operation, its groups of attributes, then the document if there is one."""
    parts = [struct.pack(">BBHI", *IPP_VERSION, operation, next(_request_ids))]
    for tag, attributes in groups:
        parts.append(bytes([tag]))
        for attribute in attributes:
            for number, value in enumerate(attribute.values):
                name = attribute.name.encode() if number == 0 else b""
                data = _value_bytes(attribute.tag, value)
                parts.append(struct.pack(">BH", attribute.tag, len(name)) + name + struct.pack(">H", len(data)) + data)
    parts.append(bytes([Tag.END]))
    return b"".join(parts) + document


def _value_bytes(tag: Tag, value: Value) -> bytes:
    if tag in _NUMBERS:
        return struct.pack(">i", int(value))
    if tag is Tag.BOOLEAN:
        return b"\x01" if value else b"\x00"
    if isinstance(value, bytes):
        return value
    return str(value).encode()


def decode(data: bytes) -> Response:
    """A response: its status and its groups. A member of a collection is skipped (Chairside asks for none)."""
    if len(data) < 9:
        raise ValueError("an IPP response is at least nine bytes long")
    status = struct.unpack(">H", data[2:4])[0]
    response = Response(status)
    at, current, name, depth = 8, None, "", 0
    while at < len(data):
        tag = data[at]
        at += 1
        if tag == Tag.END:
            break
        if tag < 0x10:  # a new group
            current = {}
            response.groups.append((tag, current))
            continue
        name_length = struct.unpack(">H", data[at : at + 2])[0]
        at += 2
        own_name = data[at : at + name_length].decode(errors="replace")
        at += name_length
        length = struct.unpack(">H", data[at : at + 2])[0]
        at += 2
        raw = data[at : at + length]
        at += length
        if tag == Tag.BEGIN_COLLECTION:
            depth += 1
        elif tag == Tag.END_COLLECTION:
            depth -= 1
            continue
        if depth or current is None:
            continue  # inside a collection: not read
        if own_name:
            name = own_name
        current[name] = (*current.get(name, ()), _value(tag, raw))
    return response


def _value(tag: int, raw: bytes) -> Value:
    if tag in _NUMBERS and len(raw) == 4:
        return struct.unpack(">i", raw)[0]
    if tag == Tag.BOOLEAN and len(raw) == 1:
        return raw != b"\x00"
    if tag in _STRINGS:
        return raw.decode(errors="replace")
    return raw


@dataclass(frozen=True)
class Server:
    """Where the print system listens: a local socket, or a host and port."""

    socket_path: str | None = None
    host: str = "localhost"
    port: int = 631

    @classmethod
    def of_this_computer(cls) -> Server:
        """As the print system's own commands find it: ``CUPS_SERVER`` (a socket path, or host[:port]), else
        ``ServerName`` in the account's or the computer's ``client.conf`` (a clinic's central print server),
        else the scheduler's usual local socket, else port 631 on this computer."""
        named = os.environ.get("CUPS_SERVER", "").strip() or _client_conf_server()
        if named.startswith("/"):
            return cls(socket_path=named)
        if named:
            host, _, port = named.partition(":")
            return cls(host=host or "localhost", port=int(port) if port.isdigit() else 631)
        for path in ("/run/cups/cups.sock", "/var/run/cups/cups.sock", "/private/var/run/cupsd"):
            if os.path.exists(path):
                return cls(socket_path=path)
        return cls()

    def describe(self) -> str:
        return self.socket_path or f"{self.host}:{self.port}"

    def send(self, path: str, request: bytes) -> Response:
        """POST one request and read the answer; a print system that does not answer says so."""
        connection = self._connection()
        try:
            connection.request("POST", path, body=request, headers={"Content-Type": "application/ipp"})
            answer = connection.getresponse()
            body = answer.read()
        except (OSError, http.client.HTTPException) as error:
            raise PrintSystemUnreachable(
                f"The print system (CUPS at {self.describe()}) did not answer ({error}).",
                "Nothing can be printed from this computer until it runs again: save as PDF, or ask whoever "
                "looks after this computer to start the print service.",
            ) from error
        finally:
            connection.close()
        if answer.status != 200:
            raise PrintSystemUnreachable(
                f"The print system answered HTTP {answer.status} {answer.reason}.",
                "Ask whoever looks after this computer to check the print service; save as PDF meanwhile.",
            )
        try:
            return decode(body)
        except (ValueError, struct.error) as error:
            raise PrintSystemUnreachable(
                "The print system's answer could not be read.",
                "Ask whoever looks after this computer to check the print service; save as PDF meanwhile.",
            ) from error

    def _connection(self) -> http.client.HTTPConnection:
        if self.socket_path is None:
            return http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT_SECONDS)
        return _UnixConnection(self.socket_path)


CLIENT_CONF = (Path("~/.cups/client.conf"), Path("/etc/cups/client.conf"))


def _client_conf_server() -> str:
    """The ``ServerName`` line of the first ``client.conf`` that has one, as CUPS's own commands read it."""
    for conf in CLIENT_CONF:
        try:
            lines = conf.expanduser().read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        for line in lines:
            key, _, value = line.strip().partition(" ")
            if key.lower() == "servername" and value.strip():
                return value.strip()
    return ""


class _UnixConnection(http.client.HTTPConnection):
    """HTTP over the scheduler's local socket, as its own commands talk to it."""

    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=TIMEOUT_SECONDS)
        self.path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(TIMEOUT_SECONDS)
        self.sock.connect(self.path)


def operation_attributes(user: str, *more: Attribute) -> tuple[Tag, list[Attribute]]:
    """The attributes every request begins with: its character set and language, and who asks."""
    return (
        Tag.OPERATION,
        [
            Attribute(Tag.CHARSET, "attributes-charset", ("utf-8",)),
            Attribute(Tag.LANGUAGE, "attributes-natural-language", ("en",)),
            *more,
            Attribute(Tag.NAME, "requesting-user-name", (user,)),
        ],
    )
