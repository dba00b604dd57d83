#!/usr/bin/env bash
# The quick check of the installable bundle, the part CI runs (within its time slice): build it
# (packaging/bundle.sh), then check what was built, on this machine, without installing it:
#
# * the .deb holds the program in /opt/chairside, the launcher, the menu entry and the icons, and declares
#   its version and dependencies; each file's SHA-256 matches;
# * the program from the .tar.gz, unpacked, names its version, makes the demo database, checks it, verifies its
#   audit trail, writes a report, and opens its window (offscreen) without a traceback, writing nothing into
#   its own folder.
#
# The whole test as a clinic installs it (a fresh Debian root, an upgrade from the previous release) is
# packaging/test_install.sh, run by hand: it takes longer than CI allows.
set -euo pipefail

log() { printf '%s\n' "$*" >&2; }
fail() {
  log "test_bundle: FAILED: $*"
  exit 1
}

cd -P "$(dirname "${BASH_SOURCE[0]}")/.."
bash packaging/bundle.sh
OUT=build/bundle
version=$(python3 -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
deb=$(ls "$OUT"/chairside_"$version"_*.deb)
tarball=$(ls "$OUT"/chairside-"$version"-linux-*.tar.gz)
(cd "$OUT" && sha256sum --quiet -c ./*.sha256) || fail "a checksum does not match its file"

log "The .deb: $deb"
[ "$(dpkg-deb -f "$deb" Package)" = chairside ] || fail "the package is not named chairside"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "the package's version is not $version"
dpkg-deb -f "$deb" Depends | grep -q "libxcb-cursor0" || fail "the package does not declare Qt's xcb libraries"
contents=$(dpkg-deb -c "$deb")
for path in ./opt/chairside/chairside ./opt/chairside/VERSION ./usr/bin/chairside \
  ./usr/share/applications/chairside.desktop ./usr/share/icons/hicolor/48x48/apps/chairside.png \
  ./usr/share/icons/hicolor/scalable/apps/chairside.svg ./opt/chairside/_internal/resources/protocols/; do
  grep -qF " $path" <<<"$contents" || fail "the .deb lacks $path"
done
! grep -q "QtWebEngine" <<<"$contents" || fail "the .deb carries Qt WebEngine, which the app never uses"

log "The .tar.gz: $tarball"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xzf "$tarball" -C "$work"
program=$(ls -d "$work"/chairside-*/chairside)
folder=$(dirname "$program")
[ "$(cat "$folder/VERSION")" = "$version" ] || fail "VERSION does not say $version"
export CHAIRSIDE_HOME=$work/home
touch "$work/unpacked" # the program never writes into its own folder: nothing there may be newer than this
[ "$("$program" --version)" = "Chairside $version" ] || fail "--version does not say Chairside $version"
"$program" demo --fill-only >"$work/demo.txt" || fail "the demo could not be made: $(cat "$work/demo.txt")"
url=sqlite:///$CHAIRSIDE_HOME/data/chairside-demo.sqlite
"$program" --database "$url" db check || fail "db check failed"
"$program" --database "$url" audit verify || fail "the audit trail does not verify"
"$program" --database "$url" report outcomes --from "$(date -d '-365 days' +%F)" --to "$(date -d '-1 day' +%F)" \
  --csv "$work/outcomes.csv" >/dev/null || fail "no outcome report"
[ -s "$work/outcomes.csv" ] || fail "the outcome report is empty"
QT_QPA_PLATFORM=offscreen "$program" --database "$url" >"$work/app.log" 2>&1 &
app=$!
sleep 20
kill -0 "$app" 2>/dev/null || fail "the window did not stay open: $(cat "$work/app.log")"
kill "$app"
wait "$app" || true
! grep -q Traceback "$work/app.log" "$CHAIRSIDE_HOME/log/chairside.log" || fail "a traceback was written"
written=$(find "$folder" -newer "$work/unpacked")
[ -z "$written" ] || fail "the program wrote into its own folder: $written"
loose=$(find "$CHAIRSIDE_HOME" -type f -perm /077)
[ -z "$loose" ] || fail "files readable by others: $loose"
log "The bundle checks out: Chairside $version, $(du -sh "$folder" | cut -f1) unpacked, .deb $(du -h "$deb" | cut -f1)"
