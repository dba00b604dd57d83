#!/usr/bin/env bash
# Run inside a fresh Debian root by packaging/test_install.sh (never on a workstation in use): installs Chairside
# from its packages as a clinic's IT person would and checks each step, as a clinic account, not root.
#
#   bash install_check.sh PREVIOUS.deb NEW.deb PREVIOUS.tar.gz NEW.tar.gz OUT_FOLDER
#
# The previous release makes a demo database (an older schema) and notes its audit trail's head outside it;
# the new package is installed over it; its first start backs the database up and migrates it; the records
# are then checked against that note and read back in a report. The older program then refuses the newer
# database in words; removing the package leaves the records. Then the same upgrade with the two .tar.gz files,
# unpacked side by side, for a second clinic account.
set -euo pipefail

PREVIOUS_DEB=$1 NEW_DEB=$2 PREVIOUS_TAR=$3 NEW_TAR=$4 OUT=$5
export DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
STEP=0
step() {
  STEP=$((STEP + 1))
  printf '\n== %d. %s\n' "$STEP" "$*"
}
fail() {
  printf 'FAILED: %s\n' "$*"
  exit 1
}
ACCOUNT=clinic
as_clinic() { runuser -u "$ACCOUNT" -- env HOME="/home/$ACCOUNT" LANG=C.UTF-8 PATH=/usr/bin:/bin "$@"; }
no_traceback() { ! grep -q "Traceback" "$1" || fail "a traceback reached the user: $1"; }

DATA=/home/clinic/.local/share/chairside
DB=$DATA/chairside-demo.sqlite
URL=sqlite:///$DB

screenshot() { # screenshot PROGRAM NAME: start the app on the demo records under Xvfb, and photograph its screen
  as_clinic xvfb-run -a -s "-screen 0 1280x800x24" bash -c \
    "'$1' --database '$URL' >/tmp/app-$2.log 2>&1 & app=\$!; sleep 30; import -window root /tmp/$2.png; kill \$app; wait \$app || true"
  cp "/tmp/$2.png" "/tmp/app-$2.log" "$OUT/"
  [ -s "$OUT/$2.png" ] || fail "no screenshot of $2"
  no_traceback "$OUT/app-$2.log"
}

step "what the test itself needs: a virtual screen and a screenshot tool; a clinic account"
apt-get update -qq
apt-get install -y -qq --no-install-recommends xvfb xauth imagemagick >/dev/null
id clinic >/dev/null 2>&1 || useradd -m clinic

step "install the previous release from its .deb: $(basename "$PREVIOUS_DEB")"
apt-get install -y -qq "$PREVIOUS_DEB" >/dev/null
old_version=$(as_clinic chairside --version 2>/dev/null || echo "(a release from before --version)")
printf '%s\n' "$old_version"
as_clinic chairside demo --fill-only | tail -3
as_clinic chairside --database "$URL" db check | tee /tmp/check-old.txt
as_clinic chairside --database "$URL" audit anchor | tee /tmp/anchor.txt
anchor=$(find "$DATA" -name 'chairside-anchor-*.json' | head -1)
[ -n "$anchor" ] || fail "the previous release noted no anchor"
[ "$(stat -c %a "$DB")" = 600 ] || fail "the database is not private to its account"

step "upgrade to the new .deb: $(basename "$NEW_DEB")"
apt-get install -y -qq "$NEW_DEB" >/dev/null
new_version=$(as_clinic chairside --version)
printf '%s\n' "$new_version"
[ "$new_version" != "$old_version" ] || fail "the version did not change"
[ -f "$DB" ] || fail "the upgrade lost the database"
if as_clinic chairside --database "$URL" db check >/tmp/check-before.txt 2>&1; then
  fail "the new program took an older schema for its own"
fi
cat /tmp/check-before.txt
no_traceback /tmp/check-before.txt

step "the first start of the new version backs up and migrates the records (a screenshot of it)"
screenshot chairside deb-first-start
as_clinic chairside --database "$URL" db check | tee /tmp/check-new.txt
ls "$DATA" | grep -q "backup" || ls -R /home/clinic/.local/share | grep -q "backup" || fail "no backup before the migration"
as_clinic chairside --database "$URL" audit verify --anchor "$anchor" | tee /tmp/verify.txt
grep -q "OK" /tmp/verify.txt || fail "the audit trail does not hold against the note made before the upgrade"
first=$(date -d "-365 days" +%F)
last=$(date -d "-1 day" +%F)
as_clinic chairside --database "$URL" report outcomes --from "$first" --to "$last" \
  --out /tmp/outcomes.pdf --csv /tmp/outcomes.csv
[ -s /tmp/outcomes.csv ] && [ -s /tmp/outcomes.pdf ] || fail "no outcome report from the migrated records"
cp /tmp/outcomes.pdf "$OUT/"

step "the older program refuses the newer records, in words"
apt-get install -y -qq --allow-downgrades "$PREVIOUS_DEB" >/dev/null
if as_clinic chairside --database "$URL" db check >/tmp/refused.txt 2>&1; then
  fail "the older program accepted a newer schema"
fi
cat /tmp/refused.txt
no_traceback /tmp/refused.txt
apt-get install -y -qq "$NEW_DEB" >/dev/null

step "removing the package leaves the records"
apt-get remove -y -qq chairside >/dev/null
[ ! -e /usr/bin/chairside ] || fail "the launcher is still there"
[ -f "$DB" ] || fail "removing the package removed the records"

step "the new .tar.gz, unpacked, opens the same records"
mkdir -p /opt/unpacked /opt/unpacked-previous
tar -xzf "$NEW_TAR" -C /opt/unpacked
program=$(ls -d /opt/unpacked/chairside-*/chairside)
as_clinic "$program" --version
as_clinic "$program" --database "$URL" db check

step "the same upgrade from the .tar.gz files, for a second clinic account"
ACCOUNT=clinic2
id clinic2 >/dev/null 2>&1 || useradd -m clinic2
DATA=/home/clinic2/.local/share/chairside
DB=$DATA/chairside-demo.sqlite
URL=sqlite:///$DB
tar -xzf "$PREVIOUS_TAR" -C /opt/unpacked-previous
before=$(ls -d /opt/unpacked-previous/chairside-*/chairside)
as_clinic "$before" demo --fill-only | tail -1
as_clinic "$before" --database "$URL" audit anchor
anchor=$(find "$DATA" -name 'chairside-anchor-*.json' | head -1)
[ -n "$anchor" ] || fail "the previous release noted no anchor"
if as_clinic "$program" --database "$URL" db check >/tmp/check-tar.txt 2>&1; then
  fail "the new program took an older schema for its own"
fi
cat /tmp/check-tar.txt
screenshot "$program" tar-first-start
as_clinic "$program" --database "$URL" db check
ls "$DATA" | grep -q "backup" || fail "no backup before the migration"
as_clinic "$program" --database "$URL" audit verify --anchor "$anchor" | tee /tmp/verify-tar.txt
grep -q "OK" /tmp/verify-tar.txt || fail "the audit trail does not hold against the note made before the upgrade"
as_clinic "$program" --database "$URL" report outcomes --from "$first" --to "$last" --csv /tmp/outcomes-tar.csv
[ -s /tmp/outcomes-tar.csv ] || fail "no outcome report from the migrated records"

step "every file Chairside made is private to its account"
loose=$(find /home/clinic*/.local /home/clinic*/.config /home/clinic*/.cache -type f -perm /077 2>/dev/null || true)
[ -z "$loose" ] || fail "readable by others: $loose"
printf '\nAll checks passed: %s over %s\n' "$new_version" "$old_version"
