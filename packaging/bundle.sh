#!/usr/bin/env bash
# Build Chairside's installable bundle from this checkout, for a clinic's workstations.
#
#   bash packaging/bundle.sh          -> build/bundle/chairside-<version>-linux-<arch>.tar.gz (+ .sha256)
#                                        build/bundle/chairside_<version>_<arch>.deb (+ .sha256)
#
# The bundle is PyInstaller's one-folder build (Python, the pinned dependencies, only the Qt modules the app
# imports, the protocol, PROMIS tables, fonts, migrations and icons), built in a virtual environment of its own
# (build/bundle-venv: the app's dependencies and the pinned PyInstaller, never the test tools). Installed, it
# never writes into its own folder: records, settings and logs go where platformdirs puts them for the account
# that runs it (~/.local/share/chairside, ~/.config/chairside, ~/.local/state/chairside/log), so an update
# replaces the program and keeps the records, and removing the package leaves them.
#
# Target: Debian 12 (bookworm) or newer, as root or with sudo (for the system packages below). Takes a few
# minutes; the CI test command does not run it.
set -euo pipefail

log() { printf '%s\n' "$*" >&2; }
die() {
  log "bundle: $*"
  exit 1
}

cd -P "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=build/bundle
VENV=build/bundle-venv

# --- 1. System packages ------------------------------------------------------------------------------
# PyInstaller needs the shared libpython and binutils (objdump, strip); the icons are drawn by Qt offscreen
# (the same libraries the tests need); desktop-file-validate checks the menu entry; dpkg-deb packs the .deb.
PY_VERSION=$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")' 2>/dev/null) ||
  die "python3 is not installed (on Debian: apt-get install python3 python3-venv)"
APT_PACKAGES=(
  python3 python3-venv "libpython$PY_VERSION" binutils desktop-file-utils dpkg
  libegl1 libgl1 libglib2.0-0 libxkbcommon0 libfontconfig1 libdbus-1-3
)
missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "Installing system packages: ${missing[*]}"
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null || die "could not install: ${missing[*]}"
fi

# --- 2. The build's own environment ------------------------------------------------------------------
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV" || die "could not create $VENV"
# The app's pinned dependencies, and PyInstaller as pinned in the "bundle" group (or, building an older release
# whose pyproject.toml had no such group, as BUNDLE_TOOLS names them: packaging/test_install.sh does that).
mapfile -t reqs < <("$VENV/bin/python" - <<'PY'
import os
import tomllib

with open("pyproject.toml", "rb") as f:
    project = tomllib.load(f)["project"]
tools = project.get("optional-dependencies", {}).get("bundle") or os.environ.get("BUNDLE_TOOLS", "").split()
if not tools:
    raise SystemExit("pyproject.toml has no [project.optional-dependencies] bundle group, and BUNDLE_TOOLS is unset")
print("\n".join(project["dependencies"] + tools))
print(project["version"])
PY
)
[ ${#reqs[@]} -gt 1 ] || die "could not read the dependencies from pyproject.toml"
VERSION=${reqs[-1]}
unset 'reqs[-1]'
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
"$VENV/bin/python" -m pip install -q --progress-bar off --only-binary=rl-accel "${reqs[@]}" ||
  die "pip install failed"

ARCH=$(dpkg --print-architecture)
case "$ARCH" in amd64) MACHINE=x86_64 ;; arm64) MACHINE=aarch64 ;; *) MACHINE=$ARCH ;; esac
log "Building Chairside $VERSION for $ARCH"

# --- 3. The one-folder build, and the icons ----------------------------------------------------------
rm -rf "$OUT"
mkdir -p "$OUT"
"$VENV/bin/python" -m PyInstaller --noconfirm --log-level WARN --distpath "$OUT/dist" --workpath "$OUT/work" \
  packaging/chairside.spec || die "PyInstaller failed"
"$VENV/bin/python" packaging/icons.py "$OUT/icons" || die "could not draw the icons"
desktop-file-validate packaging/chairside.desktop || die "packaging/chairside.desktop is not a valid desktop entry"
printf '%s\n' "$VERSION" >"$OUT/dist/chairside/VERSION"

# --- 4. The .tar.gz: the program folder, with its menu entry and icons beside it ---------------------
name=chairside-$VERSION-linux-$MACHINE
stage=$OUT/stage-tar/$name
mkdir -p "$stage/share/applications" "$stage/share/icons"
cp -a "$OUT/dist/chairside/." "$stage/"
cp packaging/chairside.desktop "$stage/share/applications/"
cp -a "$OUT/icons/hicolor" "$stage/share/icons/"
tar -C "$OUT/stage-tar" --owner=0 --group=0 --numeric-owner -czf "$OUT/$name.tar.gz" "$name"

# --- 5. The .deb: /opt/chairside, a launcher in /usr/bin, the menu entry and icons ---------------------
deb=$OUT/stage-deb
mkdir -p "$deb/DEBIAN" "$deb/opt" "$deb/usr/bin" "$deb/usr/share/applications" "$deb/usr/share/icons" \
  "$deb/usr/share/doc/chairside"
cp -a "$OUT/dist/chairside" "$deb/opt/chairside"
cat >"$deb/usr/bin/chairside" <<'SH'
#!/bin/sh
# Chairside, installed in /opt/chairside: its records stay in the user's own folders, never here.
exec /opt/chairside/chairside "$@"
SH
chmod 0755 "$deb/usr/bin/chairside"
cp packaging/chairside.desktop "$deb/usr/share/applications/"
cp -a "$OUT/icons/hicolor" "$deb/usr/share/icons/"
cp resources/fonts/LICENSE "$deb/usr/share/doc/chairside/copyright-fonts"
size=$(du -sk --exclude=DEBIAN "$deb" | cut -f1)
# What the bundle's Qt and sound need from the system (PyInstaller bundles the rest): the xcb platform's
# libraries, OpenGL/EGL, fonts and D-Bus (accessibility), and the sound library the alarm tones play through.
cat >"$deb/DEBIAN/control" <<CONTROL
Package: chairside
Version: $VERSION
Architecture: $ARCH
Maintainer: Chairside <packaging@chairside.invalid>
Installed-Size: $size
Section: science
Priority: optional
Depends: libc6, libegl1, libgl1, libglib2.0-0, libfontconfig1, libfreetype6, libdbus-1-3, libxkbcommon0,
 libxkbcommon-x11-0, libx11-xcb1, libxcb1, libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1,
 libxcb-randr0, libxcb-render-util0, libxcb-shape0, libxcb-xfixes0, libxcb-xinerama0, libxcb-xkb1, libpulse0
Description: chairside companion for low-dose IV ketamine infusion sessions
 Walks the infusion nurse through each session: identify, screen, weigh, dose with a second-nurse
 check, a countdown that survives restarts, vitals on schedule with alarms, side effects, discharge
 and signatures, with printed summaries. Records stay in each user's data folder: updating or
 removing the package keeps them.
CONTROL
cat >"$deb/DEBIAN/postinst" <<'SH'
#!/bin/sh
set -e
# The menu and icon caches, where the desktop has them; records are never touched here.
if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database -q /usr/share/applications || true; fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true; fi
SH
chmod 0755 "$deb/DEBIAN/postinst"
dpkg-deb --root-owner-group -Zxz --build "$deb" "$OUT/chairside_${VERSION}_$ARCH.deb" >/dev/null ||
  die "dpkg-deb could not pack the .deb"

# --- 6. Checksums, and what was made ------------------------------------------------------------------
(
  cd "$OUT"
  sha256sum "$name.tar.gz" >"$name.tar.gz.sha256"
  sha256sum "chairside_${VERSION}_$ARCH.deb" >"chairside_${VERSION}_$ARCH.deb.sha256"
)
rm -rf "$OUT/work" "$OUT/stage-tar" "$deb"
log "Built in $OUT:"
(cd "$OUT" && du -h --apparent-size ./*.tar.gz ./*.deb | sed 's/^/  /' >&2)
log "  program folder: $(du -sh "$OUT/dist/chairside" | cut -f1) ($OUT/dist/chairside)"
