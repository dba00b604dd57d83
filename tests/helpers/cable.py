"""A network cable between a workstation and the test server that a test can pull out.

The workstation runs in a network namespace of its own, joined to this computer by a virtual cable (a veth
pair); a relay on this side passes what comes down the cable to the test server on 127.0.0.1. Setting this
side's end down is the cable pulled out: no error, no reset, nothing comes back — as a switch losing power or
a firewall dropping packets — so only TCP's own probes can tell the workstation that the server has gone.

Namespaces need root (CI runs the suite as root). The namespace, the cable and the relay go whatever happens.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass

_CHUNK = 65536


@dataclass(frozen=True)
class Cable:
    namespace: str
    near: str  # this side's end: set down to pull the cable out
    far_address: str  # where the workstation reaches the relay, on the port of the server it relays to

    def command(self, *args: str) -> list[str]:
        """A command run on the workstation's side of the cable."""
        return ["ip", "netns", "exec", self.namespace, *args]

    def pull(self) -> None:
        _ip("link", "set", self.near, "down")


@contextlib.contextmanager
def cable_to(port: int) -> Iterator[Cable]:
    """A cable from a new namespace to 127.0.0.1:``port``, reached from that namespace at ``far_address``
    on the same port (so the password file's line for 127.0.0.1 still names it, as libpq's ``hostaddr``)."""
    tag = os.getpid() % 100_000
    subnet = f"10.213.{tag % 250}"
    cable = Cable(f"chairside-{tag}", f"csnear{tag}", f"{subnet}.1")
    _ip("netns", "add", cable.namespace)
    try:
        _ip("link", "add", cable.near, "type", "veth", "peer", "name", f"csfar{tag}", "netns", cable.namespace)
        _ip("addr", "add", f"{subnet}.1/30", "dev", cable.near)
        _ip("link", "set", cable.near, "up")
        far = ["-n", cable.namespace]
        _ip(*far, "addr", "add", f"{subnet}.2/30", "dev", f"csfar{tag}")
        _ip(*far, "link", "set", f"csfar{tag}", "up")
        with _relay((cable.far_address, port), ("127.0.0.1", port)):
            yield cable
    finally:
        subprocess.run(["ip", "link", "del", cable.near], check=False, capture_output=True)  # both ends go
        _ip("netns", "del", cable.namespace)


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=30)


@contextlib.contextmanager
def _relay(listen: tuple[str, int], to: tuple[str, int]) -> Iterator[None]:
    """Every connection made to ``listen`` passed on to ``to``, both ways, byte for byte."""
    server = socket.create_server(listen)
    opened: list[socket.socket] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                near, _ = server.accept()
                far = socket.create_connection(to)
                opened.extend((near, far))
                for a, b in ((near, far), (far, near)):
                    threading.Thread(target=_pump, args=(a, b), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield
    finally:
        server.close()
        for each in opened:
            each.close()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(_CHUNK):
            sink.sendall(data)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)
