#!/bin/sh
# First start: initdb into $PGDATA, then one role + one database (owned by that role) per service.
# Every start: run postgres in the foreground on 0.0.0.0:5432 (pid 1, SIGINT = fast shutdown).
set -eu
PGDATA=${PGDATA:-/var/lib/postgresql/data}
DATABASES=${POSTGRES_DATABASES:-job_api scheduler document_store}
log() { echo "entrypoint: $*" >&2; }

if [ "$(id -u)" = 0 ]; then           # e.g. a bind mount owned by someone else: fix it, then drop to postgres
  mkdir -p "$PGDATA"; chown -R postgres:postgres "$PGDATA" /run/postgresql; chmod 700 "$PGDATA"
  exec su -s /bin/sh postgres -c 'exec "$0" "$@"' -- "$0" "$@"
fi

if [ "${1:-postgres}" != postgres ]; then exec "$@"; fi   # e.g. `docker run proto/postgres psql -h db ...`

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  log "initialising a cluster in $PGDATA"
  # No locale files in the image: C collation with UTF8 encoding (the same byte-order sorting as bin/parcel's
  # cluster only if that one is C too; the host's is whatever its LANG was).
  initdb -D "$PGDATA" -U postgres -E UTF8 --locale=C --auth-local=trust --auth-host=trust >/dev/null
  # Trust on the container's own network only ("samenet"): in the compose file that network holds the platform's
  # services alone (jobs run on networks of their own, and the database port is published nowhere).
  { echo "local all all trust"; echo "host all all 127.0.0.1/32 trust"; echo "host all all samenet trust"; } > "$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -k /run/postgresql" -w -t 60 start >/dev/null
  for db in $DATABASES; do
    psql -v ON_ERROR_STOP=1 -qAt -h /run/postgresql -U postgres -d postgres \
      -c "CREATE ROLE $db LOGIN" -c "CREATE DATABASE $db OWNER $db"
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  log "created databases: $DATABASES"
fi
[ $# -gt 0 ] && shift                 # drop "postgres"; what follows (e.g. -c x=y) goes to the server
exec postgres -D "$PGDATA" -c listen_addresses='*' -c max_connections="${POSTGRES_MAX_CONNECTIONS:-200}" \
  -k /run/postgresql "$@"
