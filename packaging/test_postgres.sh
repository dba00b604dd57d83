# A throwaway PostgreSQL server for the test suite, sourced by bootstrap.sh (test mode).
#
# Its data folder is under /tmp, it listens on 127.0.0.1 only, on a free port, and its passwords are
# random, made for this run. Run by the `postgres` account when the suite runs as root (PostgreSQL refuses
# root), by the current account otherwise. The tests find it by CHAIRSIDE_TEST_POSTGRESQL, an address without
# a password: libpq reads that from PGPASSFILE, a 0600 file in the data folder's parent, which also holds the
# superuser's (postgres) for the few tests that need one. pg_test_stop stops it and removes everything it
# made; bootstrap.sh calls it on every exit, also when tests fail.
# Needs from bootstrap.sh: log, VENV.

PG_TEST_ROLE=chairside_test

pg_test_bin() { # the newest installed PostgreSQL's programs, or nothing
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || return 1
  printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1
}

pg_test_ensure_installed() { # Debian's postgresql package, when no server programs are there
  pg_test_bin >/dev/null && return 0
  command -v apt-get >/dev/null 2>&1 || return 1
  local as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || return 1
    as_root=(sudo)
  fi
  log "Installing PostgreSQL for the tests… (postgresql)"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null &&
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -q --no-install-recommends postgresql >/dev/null
}

pg_test_as_owner() { # run a server program as the account that owns the data folder
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

pg_test_start() {
  local bin dir port pw
  pg_test_ensure_installed || { log "PostgreSQL could not be installed"; return 1; }
  bin=$(pg_test_bin) || return 1
  dir=$(mktemp -d /tmp/chairside-pg.XXXXXX) || return 1
  PG_TEST_DIR=$dir PG_TEST_BIN=$bin
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$dir" || return 1
  pw=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  (umask 077 && printf '%s\n' "$pw" >"$dir/pw") || return 1
  [ "$(id -u)" -ne 0 ] || chown postgres "$dir/pw" || return 1
  pg_test_as_owner "$bin/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth=scram-sha-256 --pwfile="$dir/pw" >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; return 1; }
  rm -f "$dir/pw"
  port=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # In the configuration file, not on pg_ctl's command line, so a test that stops the server starts it the same.
  # fsync off: a throwaway server's data need not survive a power cut, and the suite runs faster without it.
  # autovacuum off: a worker busy on a test's database runs as the server's own role, which the test role may
  # not stop, so dropping that database WITH (FORCE) after the test failed now and then.
  pg_test_as_owner tee -a "$dir/data/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
full_page_writes = off
autovacuum = off
max_connections = 200
EOF
  pg_test_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
    { cat "$dir/server.log" >&2; return 1; }
  # The role's password goes through standard input, never on a command line.
  PGPASSWORD=$pw "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres \
    >/dev/null <<EOF || return 1
CREATE ROLE $PG_TEST_ROLE LOGIN CREATEDB PASSWORD '$pw';
EOF
  (umask 077 && printf '127.0.0.1:%s:*:%s:%s\n' "$port" "$PG_TEST_ROLE" "$pw" "$port" postgres "$pw" >"$dir/pgpass") ||
    return 1
  export PGPASSFILE=$dir/pgpass
  export CHAIRSIDE_TEST_POSTGRESQL="postgresql+psycopg://$PG_TEST_ROLE@127.0.0.1:$port/postgres"
  export CHAIRSIDE_TEST_PGDATA=$dir/data CHAIRSIDE_TEST_PGBIN=$bin
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') for the tests on 127.0.0.1:$port ($dir)"
}

pg_test_stop() {
  [ -n "${PG_TEST_DIR:-}" ] || return 0
  if [ -f "$PG_TEST_DIR/data/postmaster.pid" ] &&
    ! pg_test_as_owner "$PG_TEST_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -m fast -w -t 60 stop >/dev/null; then
    log "The tests' PostgreSQL did not stop: its folder $PG_TEST_DIR is left for a look"
  else
    rm -rf "$PG_TEST_DIR"
  fi
  unset PG_TEST_DIR PGPASSFILE CHAIRSIDE_TEST_POSTGRESQL CHAIRSIDE_TEST_PGDATA CHAIRSIDE_TEST_PGBIN
}
