#!/bin/sh
# Mounted into the postgres service of docker-compose.yml as /docker-entrypoint-initdb.d/; the image
# runs it once, when its data volume is empty. Creates the login role the application connects as
# (DATABASE_URL): not superuser, not BYPASSRLS, and never the owner of the tables (the `migrate`
# service creates them as the superuser from DATABASE_OWNER_URL and grants this role DML only), so
# that row-level security binds every query it makes.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v password="$O2O_DB_APP_PASSWORD" <<'SQL'
CREATE ROLE o2o_app LOGIN PASSWORD :'password' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
SQL
