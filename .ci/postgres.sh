#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on localhost for the test suite.
#
# Idempotent: installs PostgreSQL with apt-get only when no initdb/pg_ctl is
# found, and reuses a server already running in the data directory. Works as
# root (the server itself runs as the "postgres" user, which the package
# creates) or as an ordinary user. Prints the URL and, on GitHub Actions,
# exports it to later steps:
#
#   eval "$(.ci/postgres.sh | grep ^export)"   # then: pytest -m postgres
#
# Settings: BIONEWS_PG_DATA (default /tmp/bionews-pg), BIONEWS_PG_PORT (55432),
# BIONEWS_PG_DB (bionews).
set -euo pipefail

DATA="${BIONEWS_PG_DATA:-/tmp/bionews-pg}"
PORT="${BIONEWS_PG_PORT:-55432}"
DB="${BIONEWS_PG_DB:-bionews}"

find_bin() {
  local d
  if command -v pg_ctl >/dev/null 2>&1; then
    d="$(dirname "$(readlink -f "$(command -v pg_ctl)")")"
    if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

BIN="$(find_bin || true)"
if [ -z "$BIN" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "PostgreSQL is not installed and this is not root: install it or set BIONEWS_PG_URL" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  BIN="$(find_bin)"
fi

# PostgreSQL refuses to run as root: run it as "postgres" (or "nobody").
if [ "$(id -u)" -eq 0 ]; then
  if id postgres >/dev/null 2>&1; then RUN_USER=postgres; else RUN_USER=nobody; fi
  as_user() { runuser -u "$RUN_USER" -- "$@"; }
else
  RUN_USER="$(id -un)"
  as_user() { "$@"; }
fi

mkdir -p "$DATA"
if [ "$(id -u)" -eq 0 ]; then chown "$RUN_USER" "$DATA"; fi
chmod 700 "$DATA"

if [ ! -f "$DATA/PG_VERSION" ]; then
  as_user "$BIN/initdb" -D "$DATA" -U "$RUN_USER" --auth=trust -E UTF8 >/dev/null
fi

if ! as_user "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  as_user "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
    -o "-p $PORT -k $DATA -c listen_addresses=localhost" start >/dev/null
fi

# Create the database once (the server is reachable over TCP on localhost).
if ! as_user "$BIN/psql" -h localhost -p "$PORT" -U "$RUN_USER" -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  as_user "$BIN/psql" -h localhost -p "$PORT" -U "$RUN_USER" -d postgres -qc "CREATE DATABASE \"$DB\""
fi

URL="postgresql://$RUN_USER@localhost:$PORT/$DB"
if [ -n "${GITHUB_ENV:-}" ]; then echo "BIONEWS_PG_URL=$URL" >>"$GITHUB_ENV"; fi
echo "export BIONEWS_PG_URL=$URL"
