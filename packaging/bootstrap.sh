#!/usr/bin/env bash
# Set up Chairside from a checkout, then optionally start it or run the test suite.
#
#   bash packaging/bootstrap.sh                    set up only (system packages, .venv, all pinned deps)
#   bash packaging/bootstrap.sh run [app args...]  set up, then start the app (python main.py ...)
#   bash packaging/bootstrap.sh test [pytest args] set up, then ruff check + lint-imports + pytest, headless,
#                                                  with a throwaway PostgreSQL server (test_postgres.sh)
#
# Target: Debian 12 (bookworm) or newer, run as root or as a user with sudo. Every step is
# skipped when already done, so a second run takes about a second. The project is not installed
# as a package: the code runs from this checkout, with the dependencies in .venv.
set -euo pipefail

# System packages. Line 1: Python, and the certificate store that pip trusts on Debian (a clinic
# proxy's own CA goes there too). Line 2: what QT_QPA_PLATFORM=offscreen needs (tests) plus the
# font every label and PDF is drawn with. Line 3: the xcb platform (real windows). Line 4: a
# virtual display for screenshots, and poppler-utils so tests can read generated PDFs back. Line 5:
# the sound library Qt Multimedia plays the alarm tones through (PulseAudio or PipeWire). Line 6: the
# accessibility bus a screen reader reads, for the test that reads the real app through it. Line 7: the
# print system the tests print through (a private CUPS scheduler, its PDF filters and the generic PDF
# printer driver; the app itself speaks IPP to the clinic's CUPS and needs none of it) and qpdf, which
# checks every PDF Chairside makes. Line 8: desktop-file-validate, which checks the bundle's menu entry
# (packaging/). Line 9: iproute2, for the test that pulls a virtual network cable between a workstation
# and the test server.
APT_PACKAGES=(
  python3 python3-venv ca-certificates
  libegl1 libgl1 libglib2.0-0 libxkbcommon0 libfontconfig1 libdbus-1-3 fonts-dejavu-core
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0
  xvfb xauth poppler-utils
  libpulse0
  at-spi2-core python3-pyatspi dbus-daemon xdotool
  cups cups-client cups-filters qpdf
  desktop-file-utils
  iproute2
)
MIN_PYTHON=(3 11)
VENV=.venv
STAMP=$VENV/.chairside-stamp

log() { printf '%s\n' "$*" >&2; }
die() {
  log "bootstrap: $*"
  exit 1
}

usage() {
  cat >&2 <<'EOF'
Usage: bash packaging/bootstrap.sh [run [app args...] | test [pytest args...]]
  (no argument)  set up: system packages, .venv, pinned Python dependencies (app + tests)
  run            set up, then start Chairside: .venv/bin/python main.py [app args...]
  test           set up, then run `ruff check .`, `lint-imports` and pytest headless (QT_QPA_PLATFORM=offscreen)
EOF
}

# Work from the repository root, wherever the script is called from.
cd -P "$(dirname "${BASH_SOURCE[0]}")/.."

mode=setup
if [ $# -gt 0 ]; then
  case "$1" in
    run | test | setup)
      mode=$1
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage
      exit 2
      ;;
  esac
fi

# --- 1. System packages -------------------------------------------------------------------------

is_installed() {
  # Debian 13 renamed some libraries (libglib2.0-0 -> libglib2.0-0t64); accept either name.
  local name status
  for name in "$1" "$1t64"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$name" 2>/dev/null || true)
    [ "$status" = installed ] && return 0
  done
  return 1
}

ensure_system_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    log "Not a Debian-based system: skipping system packages. Make sure Python >= 3.11 with venv and"
    log "the equivalents of these Debian packages are installed: ${APT_PACKAGES[*]}"
    return 0
  fi
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "System packages are present"
    return 0
  fi

  local as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      as_root=(sudo)
    else
      log "These system packages are missing: ${missing[*]}"
      log "Install them as root, then run this script again:"
      log "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
      exit 1
    fi
  fi
  log "Installing system packages… (${missing[*]})"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null ||
    die "apt-get update failed"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
    die "apt-get install failed for: ${missing[*]}"
}

# --- 2. Virtual environment ---------------------------------------------------------------------

python_ok() { # python_ok PYTHON: true when it runs and is new enough
  "$1" -c "import sys; sys.exit(sys.version_info < (${MIN_PYTHON[0]}, ${MIN_PYTHON[1]}))" 2>/dev/null
}

ensure_venv() {
  local vpy=$VENV/bin/python
  if [ -e "$VENV" ] && ! { "$vpy" -c 'import sys' && "$vpy" -m pip --version; } >/dev/null 2>&1; then
    # Left half-made by an interrupted run, or its base interpreter is gone: build it again.
    log "$VENV is unusable; recreating it"
    rm -rf "$VENV"
  fi
  if [ ! -e "$VENV" ]; then
    local base
    if [ -x /usr/bin/python3 ]; then
      base=/usr/bin/python3
    elif command -v python3 >/dev/null 2>&1; then
      base=$(command -v python3)
    else
      die "python3 not found; install Python ${MIN_PYTHON[0]}.${MIN_PYTHON[1]} or newer"
    fi
    python_ok "$base" ||
      die "$base is $("$base" -V 2>&1); Chairside needs Python ${MIN_PYTHON[0]}.${MIN_PYTHON[1]} or newer"
    log "Creating $VENV with $base ($("$base" -V 2>&1))…"
    "$base" -m venv "$VENV" || die "could not create $VENV (on Debian: apt-get install python3-venv)"
  fi
  python_ok "$vpy" ||
    die "$VENV has $("$vpy" -V 2>&1); Chairside needs Python ${MIN_PYTHON[0]}.${MIN_PYTHON[1]}+ (remove $VENV and run again)"
}

# --- 3. Pinned Python dependencies --------------------------------------------------------------

ensure_python_deps() { # ensure_python_deps [GROUP...]: [project].dependencies + those optional groups
  local vpy=$VENV/bin/python want hash
  want=$(printf '%s\n' "$@" | sort -u | tr '\n' ' ')
  want=${want% }
  hash=$(sha256sum pyproject.toml | cut -d' ' -f1)

  # The stamp holds the pyproject.toml hash and the groups installed for it; a superset will do.
  if [ -f "$STAMP" ]; then
    local stamp_hash stamp_groups covered=1 group
    stamp_hash=$(sed -n 's/^sha256=//p' "$STAMP")
    stamp_groups=$(sed -n 's/^groups=//p' "$STAMP")
    for group in "$@"; do
      case " $stamp_groups " in *" $group "*) ;; *) covered=0 ;; esac
    done
    if [ "$stamp_hash" = "$hash" ] && [ "$covered" = 1 ]; then
      log "Python dependencies are up to date"
      return 0
    fi
  fi

  local reqs=()
  mapfile -t reqs < <("$vpy" - "$@" <<'PY'
import sys
import tomllib

with open("pyproject.toml", "rb") as f:
    project = tomllib.load(f)["project"]
reqs = list(project.get("dependencies", []))
groups = project.get("optional-dependencies", {})
for group in sys.argv[1:]:
    if group not in groups:
        sys.exit(f"pyproject.toml has no optional dependency group {group!r}")
    reqs += groups[group]
print("\n".join(reqs))
PY
  )
  [ ${#reqs[@]} -gt 0 ] || die "could not read the dependencies from pyproject.toml"

  log "Installing Python dependencies (${want:-app only})…"
  export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
  "$vpy" -m pip install -q --upgrade pip || die "could not upgrade pip in $VENV"
  # rl-accel (ReportLab's C accelerator) from its wheel only (abi3, manylinux2014: CPython 3.11 on Debian 12,
  # 3.13 on Debian 13, x86_64 and aarch64): never a source build, which would need a compiler and headers.
  "$vpy" -m pip install -q --progress-bar off --only-binary=rl-accel "${reqs[@]}" || die "pip install failed"
  printf 'sha256=%s\ngroups=%s\n' "$hash" "$want" >"$STAMP.tmp"
  mv "$STAMP.tmp" "$STAMP"
  log "Python dependencies installed"
}

# --- 4. Bytecode ---------------------------------------------------------------------------------

compile_bytecode() {
  # Compiled once here, so no start compiles the sources again: where PYTHONDONTWRITEBYTECODE is set (or
  # the folder is read-only to the user who runs it), Python would otherwise compile every module of the
  # checkout at every start (~0.2 s of CPU). Only what changed since is compiled: a second run takes
  # a fraction of a second. The dependencies in .venv were compiled by pip as they were installed.
  "$VENV/bin/python" -m compileall -q -j 0 core ui cli main.py >/dev/null ||
    log "Could not compile the bytecode (the app still starts, compiling as it goes)"
}

# --- Run ----------------------------------------------------------------------------------------

needs_display() {
  # Administration commands (python main.py db ...) and --help need no window.
  case "${1:-}" in
    db | -h | --help) return 1 ;;
  esac
  [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]
}

if [ "$mode" = run ] && needs_display "$@"; then
  # Checked before set-up: Qt would otherwise abort (SIGABRT) with no window system to talk to.
  log "Chairside needs a graphical session, and none was found (DISPLAY and WAYLAND_DISPLAY are unset)."
  log "Start it from a desktop session, or on a virtual display once set up:"
  log "  bash packaging/bootstrap.sh"
  log "  xvfb-run -a -s '-screen 0 1280x800x24' bash packaging/bootstrap.sh run"
  log "Administration commands need no display: bash packaging/bootstrap.sh run db check"
  exit 1
fi

ensure_system_packages
ensure_venv
case "$mode" in
  run) ensure_python_deps ;;
  *) ensure_python_deps test ;;
esac
compile_bytecode

case "$mode" in
  setup)
    log "Set up. Start Chairside with: bash packaging/bootstrap.sh run"
    ;;
  run)
    exec "$VENV/bin/python" main.py "$@"
    ;;
  test)
    export QT_QPA_PLATFORM=offscreen
    export CHAIRSIDE_NEED_CUPS=1 # installed above: a printing test that cannot start CUPS fails, never skips
    # shellcheck source=packaging/test_postgres.sh
    source packaging/test_postgres.sh
    trap pg_test_stop EXIT
    trap 'exit 130' INT TERM # through the EXIT trap: the server is stopped however the run ends
    if ! pg_test_start; then
      pg_test_stop
      log "No PostgreSQL server could be started: its tests are skipped here, and fail in CI (CI=true)"
    fi
    lint_rc=0
    pytest_rc=0
    log "Running ruff check…"
    "$VENV/bin/ruff" check . || lint_rc=$?
    log "Checking the walls between the layers (lint-imports)…"
    "$VENV/bin/lint-imports" --no-cache || lint_rc=$?
    log "Running pytest…"
    "$VENV/bin/python" -m pytest "$@" || pytest_rc=$?
    if [ "$pytest_rc" -eq 5 ]; then
      log "pytest collected no tests: counted as a failure"
    fi
    if [ "$lint_rc" -ne 0 ]; then
      log "ruff check or lint-imports failed (exit $lint_rc)"
    fi
    if [ "$pytest_rc" -ne 0 ]; then
      log "pytest failed (exit $pytest_rc)"
      exit "$pytest_rc"
    fi
    [ "$lint_rc" -eq 0 ] || exit 1
    log "ruff check, lint-imports and pytest passed"
    ;;
esac
