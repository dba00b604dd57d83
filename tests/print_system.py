"""A private CUPS print system for the tests: its own scheduler, configuration, spool and socket under a
temporary folder, with a queue whose output can be read back.

The queue "Ward" is a real CUPS queue with the generic PDF printer driver of cups-filters: CUPS runs its
own filters on each job (the clinic's paper, scaling) and the file backend writes what the printer would
have received to ``ward.pdf``. Its default paper is Letter, so a job that did not carry the clinic's A4
comes out on Letter, shrunk. Tests pause it, make it refuse jobs, remove it, or stop the scheduler, with
the print system's own commands.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

GENERIC_PDF = Path("/usr/share/ppd/cupsfilters/Generic-PDF_Printer-PDF.ppd")
QUEUE = "Ward"
NEEDED = ("cupsd", "lpadmin", "lpstat", "cupsdisable", "cupsreject")


class PrivateCups:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.socket = folder / "cups.sock"
        self.output = folder / "out" / "ward.pdf"
        path = os.pathsep.join((os.environ.get("PATH", ""), "/usr/sbin", "/sbin"))
        self.env = {**os.environ, "CUPS_SERVER": str(self.socket), "LC_ALL": "C", "PATH": path}
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        for name in ("spool", "tmp", "cache", "state", "log", "out"):
            (self.folder / name).mkdir(parents=True, exist_ok=True)
        root = os.geteuid() == 0
        owner = "User lp\nGroup lp\nSystemGroup root\n" if root else ""
        (self.folder / "cups-files.conf").write_text(
            f"ServerRoot {self.folder}\nRequestRoot {self.folder}/spool\nTempDir {self.folder}/tmp\n"
            f"CacheDir {self.folder}/cache\nStateDir {self.folder}/state\n"
            f"AccessLog {self.folder}/log/access_log\nErrorLog {self.folder}/log/error_log\n"
            f"PageLog {self.folder}/log/page_log\nServerBin /usr/lib/cups\nDataDir /usr/share/cups\n"
            f"Sandboxing Relaxed\nFileDevice Yes\n{owner}"
        )
        (self.folder / "cupsd.conf").write_text(
            f"LogLevel info\nListen {self.socket}\nBrowsing Off\nDefaultAuthType None\nWebInterface No\n"
            "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
            "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
        )
        if root:  # the scheduler runs its filters as lp: they must reach the spool and write the output
            shutil.chown(self.folder, "lp", "lp")
            for name in ("spool", "tmp", "cache", "state", "log", "out"):
                shutil.chown(self.folder / name, "lp", "lp")
            self.folder.chmod(0o755)
        self._process = subprocess.Popen(
            [tool("cupsd"), "-f", "-c", str(self.folder / "cupsd.conf"), "-s", str(self.folder / "cups-files.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(100):
            if self.socket.exists() and self.command("lpstat", "-r", check=False).returncode == 0:
                break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"the private CUPS did not start; see {self.folder}/log/error_log")
        self.add_queue(QUEUE)

    def add_queue(self, name: str) -> None:
        self.command("lpadmin", "-p", name, "-v", f"file://{self.output}", "-P", str(GENERIC_PDF), "-E")
        self.command("lpadmin", "-d", name)

    def command(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [tool(args[0]), *args[1:]], env=self.env, capture_output=True, text=True, check=check, timeout=30
        )

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGTERM)
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait()
        self._process = None

    def printed(self) -> tuple[int, str, str]:
        """What came out of the queue last: page count, page size as pdfinfo says it, and the text."""
        info = subprocess.run(["pdfinfo", str(self.output)], capture_output=True, text=True, check=True).stdout
        facts = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
        text = subprocess.run(["pdftotext", str(self.output), "-"], capture_output=True, text=True, check=True)
        return int(facts["Pages"]), facts["Page size"].strip(), text.stdout


def tool(name: str) -> str:
    """The print system's administration commands live in /usr/sbin, not always on a user's PATH."""
    return shutil.which(name, path=os.pathsep.join((os.environ.get("PATH", ""), "/usr/sbin", "/sbin"))) or name


def missing_tools() -> list[str]:
    """What the private print system needs and this computer lacks (bootstrap's test set-up installs it)."""
    found = [name for name in (*NEEDED, "pdfinfo", "pdftotext", "qpdf") if tool(name) == name]
    return found + ([] if GENERIC_PDF.exists() else [str(GENERIC_PDF)])


@contextmanager
def private_cups(folder: Path) -> Iterator[PrivateCups]:
    cups = PrivateCups(folder)
    try:
        cups.start()
        yield cups
    finally:
        cups.stop()
