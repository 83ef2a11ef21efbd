#!/usr/bin/env bash
# Start this machine's PostgreSQL and Redis if they are down, wait until both answer, and make
# sure the database named by DATABASE_URL exists. Used by .ci/run and `make services`.
#
# Only local services are started (127.0.0.1 / localhost); a remote one is only waited for.
set -euo pipefail

DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/o2o}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
TIMEOUT=${SERVICES_TIMEOUT:-60}

# postgres://user[:password]@host[:port]/name -> host, port, name, and the URL of the "postgres" db
pg_rest=${DATABASE_URL#*://}
pg_hostport=${pg_rest#*@}
pg_hostport=${pg_hostport%%/*}
pg_host=${pg_hostport%%:*}
pg_port=5432
[[ $pg_hostport == *:* ]] && pg_port=${pg_hostport##*:}
pg_name=${pg_rest#*/}
pg_name=${pg_name%%\?*}
pg_admin_url=${DATABASE_URL%/*}/postgres

redis_rest=${REDIS_URL#*://}
redis_hostport=${redis_rest#*@}
redis_hostport=${redis_hostport%%/*}
redis_host=${redis_hostport%%:*}
redis_port=6379
[[ $redis_hostport == *:* ]] && redis_port=${redis_hostport##*:}

is_local() { [[ $1 == 127.0.0.1 || $1 == localhost || $1 == ::1 ]]; }
pg_up() { pg_isready -q -h "$pg_host" -p "$pg_port" -t 2; }
redis_up() { [[ $(redis-cli -h "$redis_host" -p "$redis_port" ping 2>/dev/null) == PONG ]]; }

wait_for() {  # name, probe function
    local waited=0
    until "$2"; do
        if ((waited >= TIMEOUT)); then
            echo "error: $1 did not answer within ${TIMEOUT}s" >&2
            return 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
    echo "==> $1 answers"
}

if ! pg_up && is_local "$pg_host"; then
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    echo "==> Starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true  # waiting below decides
fi
wait_for "PostgreSQL at $pg_host:$pg_port" pg_up

if ! redis_up && is_local "$redis_host"; then
    echo "==> Starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$redis_port" --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
wait_for "Redis at $redis_host:$redis_port" redis_up

if [[ $(psql "$pg_admin_url" -tAc "SELECT 1 FROM pg_database WHERE datname = '$pg_name'") != 1 ]]; then
    echo "==> Creating database $pg_name"
    psql "$pg_admin_url" -qc "CREATE DATABASE \"$pg_name\""
fi
