#!/usr/bin/env bash
# A private PostgreSQL cluster for the end-to-end suite (Debian's postgresql), on 127.0.0.1 only.
#
#   e2e-postgres.sh install            apt-get install postgresql if it is missing (root; CI)
#   e2e-postgres.sh check              exit 0 when a cluster can be started here, else say why
#   e2e-postgres.sh start DIR PORT     initdb DIR/data (as user postgres) and start it on PORT;
#                                      role mlflow, password mlflow
#   e2e-postgres.sh createdb DIR PORT NAME   a fresh database NAME owned by mlflow
#   e2e-postgres.sh stop DIR           stop the cluster (DIR itself is left to the caller)
#
# DIR must be reachable by the postgres user (e.g. under /var/tmp, not /root or a private /tmp dir).
# URI: postgresql://mlflow:mlflow@127.0.0.1:PORT/NAME
set -euo pipefail
cmd=${1:-}

bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
as_pg() { if [[ $(id -un) == postgres ]]; then sh -c "$1"; else su postgres -s /bin/sh -c "$1"; fi; }

case "$cmd" in
  install)
    if [[ -z "$(bin_dir)" ]]; then
      [[ $EUID == 0 ]] || { echo "postgresql is not installed; run as root: apt-get install postgresql" >&2; exit 1; }
      export DEBIAN_FRONTEND=noninteractive
      compgen -G "/var/lib/apt/lists/*_Packages*" >/dev/null || apt-get -o DPkg::Lock::Timeout=600 update -qq
      apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends postgresql >/dev/null
    fi
    echo "postgresql: $(bin_dir)" ;;
  check)
    [[ -n "$(bin_dir)" ]] || { echo "postgresql is not installed (apt-get install postgresql)"; exit 1; }
    id postgres >/dev/null 2>&1 || { echo "there is no postgres user"; exit 1; }
    [[ $EUID == 0 || $(id -un) == postgres ]] || { echo "starting a cluster needs root or the postgres user"; exit 1; } ;;
  start)
    DIR=$2; PORT=$3; BIN=$(bin_dir)
    [[ $(id -un) == postgres ]] || chown postgres:postgres "$DIR"
    as_pg "test -w '$DIR'" || { echo "user postgres cannot write $DIR" >&2; exit 1; }
    pwfile=$DIR/pw; echo mlflow > "$pwfile"; chown postgres "$pwfile" 2>/dev/null || true
    [[ -f "$DIR/data/PG_VERSION" ]] ||
      as_pg "'$BIN/initdb' -D '$DIR/data' -U postgres -E UTF8 --auth-local=trust --auth-host=scram-sha-256 >'$DIR/initdb.log' 2>&1"
    as_pg "'$BIN/pg_ctl' -D '$DIR/data' -l '$DIR/postgres.log' -w -t 60 -o \"-c listen_addresses=127.0.0.1 -c port=$PORT -k '$DIR' -c fsync=off\" start >/dev/null"
    as_pg "psql -q -h '$DIR' -p $PORT -U postgres -v ON_ERROR_STOP=1 -c \"CREATE ROLE mlflow LOGIN PASSWORD 'mlflow'\"" ;;
  createdb)
    DIR=$2; PORT=$3; NAME=$4
    as_pg "psql -q -h '$DIR' -p $PORT -U postgres -v ON_ERROR_STOP=1 -c 'DROP DATABASE IF EXISTS $NAME' -c 'CREATE DATABASE $NAME OWNER mlflow'" ;;
  stop)
    DIR=$2; BIN=$(bin_dir)
    [[ -f "$DIR/data/PG_VERSION" ]] && as_pg "'$BIN/pg_ctl' -D '$DIR/data' -m immediate -w stop >/dev/null 2>&1" || true ;;
  *) sed -n '2,13p' "$0" >&2; exit 2 ;;
esac
