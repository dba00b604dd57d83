"""How long the installed bundle takes to show its board, against the checkout's start, and how big it is.

Both start the same way, as a person starts them, on one virtual display (Xvfb, started here) and the same
prepared database: the bundle's program (``build/bundle/dist/chairside/chairside``, made by
``packaging/bundle.sh``), and the checkout's ``python main.py``. Each run is timed from the process's start to
its board's window mapped on the screen (``xdotool search --onlyvisible``, looked for every 10 ms): the wall
time, and the CPU the process had used by then (``/proc/PID/stat``: a shared machine's other work does not
count against it). The ratio of medians, bundle over checkout, is the figure that carries between machines.
Then the sizes: the program folder, the ``.tar.gz`` and the ``.deb``.

Run from the repository root after ``bash packaging/bundle.sh``: ``.venv/bin/python bench/bundle_start.py
[--runs N] [--bundle FOLDER]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TICKS = os.sysconf("SC_CLK_TCK")
WAIT_S = 60


def cpu_ms(pid: int) -> float:
    """User + system CPU of a running process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / TICKS


def start_display() -> tuple[subprocess.Popen[bytes], str]:
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as numbers:
        number = numbers.readline().strip()
    return server, f":{number}"


def shown(command: list[str], env: dict[str, str], title: str) -> tuple[float, float]:
    """Wall and CPU milliseconds from the start of ``command`` to its board mapped on the screen."""
    began = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - began < WAIT_S:
            found = subprocess.run(
                ["xdotool", "search", "--onlyvisible", "--name", title], env=env, capture_output=True, check=False
            )
            if found.returncode == 0 and found.stdout.strip():
                return (time.perf_counter() - began) * 1000, cpu_ms(child.pid)
            if child.poll() is not None:
                raise SystemExit(f"{command[0]} stopped before showing its board (exit {child.returncode})")
            time.sleep(0.01)
        raise SystemExit(f"{command[0]} showed no board within {WAIT_S} s")
    finally:
        child.kill()
        child.wait()


def size(path: Path) -> str:
    """Bytes on disk as unpacked, each file once (the bundle's links to its libraries not counted again)."""
    files = [f for f in path.rglob("*") if f.is_file() and not f.is_symlink()] if path.is_dir() else [path]
    total = sum(f.stat().st_size for f in files)
    return f"{total / 1e6:.0f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--bundle", type=Path, default=ROOT / "build/bundle/dist/chairside")
    args = parser.parse_args()
    program = args.bundle / "chairside"
    if not program.exists():
        raise SystemExit(f"no bundle at {args.bundle}: build it first with bash packaging/bundle.sh")
    for tool in ("Xvfb", "xdotool"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: bash packaging/bootstrap.sh installs it")
    from core.about import name_and_version
    from core.persistence.db import open_database, sqlite_url

    home = Path(tempfile.mkdtemp(prefix="chairside-bundle-bench-"))
    server, display = start_display()
    try:
        url = sqlite_url(home / "data" / "chairside.sqlite")
        os.environ["CHAIRSIDE_HOME"] = str(home)
        open_database(url, create=True).dispose()  # made once, as on any day after the first
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "CHAIRSIDE_HOME": str(home)}
        title = f"^{name_and_version()} "
        starts = {"checkout (python main.py)": [sys.executable, "main.py", "--database", url]}
        starts["bundle"] = [str(program), "--database", url]
        for command in starts.values():
            shown(command, env, title)  # warm-up: the disk's cache, the font cache
        figures: dict[str, list[tuple[float, float]]] = {name: [] for name in starts}
        for _ in range(args.runs):
            for name, command in starts.items():  # interleaved: a busy moment weighs on both alike
                figures[name].append(shown(command, env, title))
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(home, ignore_errors=True)
    print(f"python {sys.version.split()[0]}; {args.runs} runs each, to the board shown under Xvfb")
    medians = {}
    for name, runs in figures.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        medians[name] = (wall, cpu)
        print(f"{name}: {wall:.0f} ms wall, {cpu:.0f} ms CPU (medians)")
    (checkout_wall, checkout_cpu), (bundle_wall, bundle_cpu) = medians.values()
    print(f"bundle / checkout: {bundle_wall / checkout_wall:.2f} wall, {bundle_cpu / checkout_cpu:.2f} CPU")
    print(f"sizes: program folder {size(args.bundle)}", end="")
    for packed in sorted(args.bundle.parent.parent.glob("chairside*.*")):
        if packed.suffix in (".gz", ".deb"):
            print(f", {packed.name} {size(packed)}", end="")
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
