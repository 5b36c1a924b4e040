#!/usr/bin/env bash
# Start (or stop) a throwaway PostgreSQL cluster for the tests, on a free port under a temp directory.
#   eval "$(.ci/postgres.sh start)"   -> exports CADRE_TEST_POSTGRES_URL and CADRE_TEST_PGDATA
#   .ci/postgres.sh stop "$CADRE_TEST_PGDATA"
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

ensure_binaries() {
  if [ ! -x "$PGBIN/initdb" ]; then
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$found" ] && [ -x "$found/initdb" ]; then PGBIN=$found; return; fi
    echo "installing Debian's postgresql package" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  ensure_binaries
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home /var/lib/postgresql --shell /bin/bash postgres >&2
  fi
  dir=$(mktemp -d /tmp/cadre-pg.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  as_postgres "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1
  as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >&2
  echo "export CADRE_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$port/postgres"
  echo "export CADRE_TEST_PGDATA=$dir"
  echo "export CADRE_TEST_PGBIN=$PGBIN"
}

stop() {
  dir=${1:?data directory}
  ensure_binaries
  as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >&2 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
