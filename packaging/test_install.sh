#!/usr/bin/env bash
# Install Chairside as a clinic would, in a fresh Debian 12 root holding nothing of this checkout, and check it:
# the previous release from its .deb, a demo database, the upgrade to this checkout's .deb (the migration runs),
# the records checked and reported, the older program refusing the newer records, removal keeping them, and
# the .tar.gz. Screenshots, logs and the report are left in build/install-test/.
#
#   bash packaging/test_install.sh [--previous REF] [--root DIR] [--no-build]
#
# --previous: the git ref of the release to upgrade from (default: the newest v* tag before HEAD, else 0.1.0);
#   it is built with this checkout's packaging files, in build/previous-release. --root: a Debian 12 root
#   filesystem to copy rather than making one with debootstrap. --no-build: use the bundles a run before built.
# As root (chroot, mounts). Takes 20-40 minutes (two bundles, a Debian root, its packages): CI does not run it;
# it runs the quick part, packaging/test_bundle.sh.
set -euo pipefail

log() { printf '%s\n' "$*" >&2; }
die() {
  log "test_install: $*"
  exit 1
}

cd -P "$(dirname "${BASH_SOURCE[0]}")/.."
[ "$(id -u)" -eq 0 ] || die "run as root (it makes a Debian root and mounts into it)"
# Release 0.1.0 (schema 0011), should its tag not have come with the clone.
RELEASE_0_1_0=8b033a2d1fc94132083b466f3fab9a0b7b38fa69
previous=$(git describe --tags --abbrev=0 --match 'v*' HEAD 2>/dev/null || echo "$RELEASE_0_1_0")
pristine=
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --previous) previous=$2 && shift 2 ;;
    --root) pristine=$2 && shift 2 ;;
    --no-build) build=0 && shift ;;
    *) die "unknown argument $1 (see the head of this script)" ;;
  esac
done
[ -n "$previous" ] || die "no release to upgrade from: tag one (v*) or give --previous REF"
OUT=$PWD/build/install-test
work=$(mktemp -d /tmp/chairside-install.XXXXXX)
root=$work/root
mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

PREVIOUS_TREE=build/previous-release
if [ "$build" = 1 ]; then
  log "Building this checkout's bundle"
  bash packaging/bundle.sh
  log "Building the previous release ($previous) with this checkout's packaging"
  rm -rf "$PREVIOUS_TREE"
  mkdir -p "$PREVIOUS_TREE"
  git archive "$previous" | tar -x -C "$PREVIOUS_TREE"
  cp packaging/bundle.sh packaging/chairside.spec packaging/icons.py packaging/chairside.desktop "$PREVIOUS_TREE/packaging/"
  mkdir -p "$PREVIOUS_TREE/resources/icons"
  cp resources/icons/*.svg "$PREVIOUS_TREE/resources/icons/"
  tools=$(python3 -c 'import tomllib; print(" ".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["bundle"]))')
  (cd "$PREVIOUS_TREE" && BUNDLE_TOOLS=$tools bash packaging/bundle.sh)
fi

log "Making a fresh Debian 12 root"
if [ -n "$pristine" ]; then
  cp -a "$pristine" "$root"
else
  command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/dev/null
fi
for m in proc sys dev dev/pts tmp; do mkdir -p "$root/$m"; done
mount -t proc proc "$root/proc" && mounted+=("$root/proc")
mount --rbind /sys "$root/sys" && mounted+=("$root/sys")
mount --bind /dev "$root/dev" && mounted+=("$root/dev")
mount --bind /dev/pts "$root/dev/pts" && mounted+=("$root/dev/pts")
mount -t tmpfs tmpfs "$root/tmp" && mounted+=("$root/tmp")
cp /etc/resolv.conf "$root/etc/resolv.conf"

mkdir -p "$root/root/install/out"
cp "$PREVIOUS_TREE"/build/bundle/chairside_*.deb "$root/root/install/previous.deb" || die "no previous release built"
cp build/bundle/chairside_*.deb "$root/root/install/new.deb"
cp "$PREVIOUS_TREE"/build/bundle/chairside-*.tar.gz "$root/root/install/previous.tar.gz"
cp build/bundle/chairside-*.tar.gz "$root/root/install/new.tar.gz"
cp packaging/install_check.sh "$root/root/install/"
chmod 0755 "$root/root/install" "$root/root/install/out"
rc=0
chroot "$root" env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
  bash /root/install/install_check.sh /root/install/previous.deb /root/install/new.deb /root/install/previous.tar.gz \
  /root/install/new.tar.gz \
  /root/install/out || rc=$?
rm -rf "$OUT"
mkdir -p "$OUT"
cp -a "$root/root/install/out/." "$OUT/"
log "Screenshots, logs and the report: $OUT"
exit "$rc"
