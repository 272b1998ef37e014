#!/bin/sh
# First start: initdb into $PGDATA, then one role + one database (owned by that role) per service.
# Every start: run postgres in the foreground on 0.0.0.0:5432 (pid 1, SIGINT = fast shutdown).
set -eu
PGDATA=${PGDATA:-/var/lib/postgresql/data}
DATABASES=${POSTGRES_DATABASES:-job_api scheduler document_store}
PASSWORDS=${POSTGRES_PASSWORDS:-/keys/postgres}
log() { echo "entrypoint: $*" >&2; }

if [ "$(id -u)" = 0 ]; then           # e.g. a bind mount owned by someone else: fix it, then drop to postgres
  mkdir -p "$PGDATA"; chown -R postgres:postgres "$PGDATA" /run/postgresql; chmod 700 "$PGDATA"
  exec su -s /bin/sh postgres -c 'exec "$0" "$@"' -- "$0" "$@"
fi

if [ "${1:-postgres}" != postgres ]; then exec "$@"; fi   # e.g. `docker run parcel/postgres psql -h db ...`

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  log "initialising a cluster in $PGDATA"
  # No locale files in the image: C collation with UTF8 encoding.
  initdb -D "$PGDATA" -U postgres -E UTF8 --locale=C --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  # The server's own socket, inside this container, trusts; every connection over the network needs its role's
  # password (made by the keys service, $PASSWORDS/<database>); no role may log in without one.
  { echo "local all all trust"; echo "host all all all scram-sha-256"; } > "$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -k /run/postgresql" -w -t 60 start >/dev/null
  for db in $DATABASES; do
    [ -s "$PASSWORDS/$db" ] || { log "no password for $db in $PASSWORDS"; exit 1; }
    # From standard input, where psql quotes the variable (it does not in -c).
    printf "CREATE ROLE %s LOGIN PASSWORD :'password';\nCREATE DATABASE %s OWNER %s;\n" "$db" "$db" "$db" \
      | psql -v ON_ERROR_STOP=1 -qAt -h /run/postgresql -U postgres -d postgres -v password="$(cat "$PASSWORDS/$db")"
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  log "created databases: $DATABASES"
fi
[ $# -gt 0 ] && shift                 # drop "postgres"; what follows (e.g. -c x=y) goes to the server
exec postgres -D "$PGDATA" -c listen_addresses='*' -c max_connections="${POSTGRES_MAX_CONNECTIONS:-200}" \
  -k /run/postgresql "$@"
