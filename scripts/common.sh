# Shared by the scripts: paths, settings and small helpers. Sourced, not run.
# Every setting is a CHC_* variable with a default that works on a
# developer's machine.

CHC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CHC_HOME=${CHC_HOME:-$CHC_ROOT/.chc}
CHC_BUILD_DIR=${CHC_BUILD_DIR:-$CHC_ROOT/build}
CHC_PG_PORT=${CHC_PG_PORT:-55432}
# The streaming replica of `stack.sh start --replica`.
CHC_PG_REPLICA_PORT=${CHC_PG_REPLICA_PORT:-$((CHC_PG_PORT + 1))}
CHC_PG_BIN=${CHC_PG_BIN:-/usr/lib/postgresql/15/bin}
CHC_HTTP_BASE_PORT=${CHC_HTTP_BASE_PORT:-8100}
CHC_EVENTS_BASE_PORT=${CHC_EVENTS_BASE_PORT:-7110}

CHC_SERVICES=(companies municipalities projects matching)

say() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The RPC address of a service: its CHC_<NAME>_URL, or 127.0.0.1:7101..7104.
service_url() {
	local name=$1 index=$2 variable
	variable="CHC_$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')_URL"
	printf '%s' "${!variable:-tcp://127.0.0.1:$((7101 + index))}"
}

# The PUB address of a service's domain events: 127.0.0.1:7111..7114.
service_events() {
	local index=$1
	printf 'tcp://127.0.0.1:%s' "$((CHC_EVENTS_BASE_PORT + 1 + index))"
}

service_http() {
	local index=$1
	printf '127.0.0.1:%s' "$((CHC_HTTP_BASE_PORT + 1 + index))"
}

# The private PostgreSQL, unless the user brings their own. The choice is
# exported, so that a script run by another (demo.sh runs stack.sh) does not
# take the URL the first one derived for a database of the user's; the URL
# follows CHC_HOME.
# The private cluster asks for passwords (SCRAM); they are in a libpq
# password file only its owner reads: the owner's, made at initdb, and each
# service role's (chc-migrate passwords).
export CHC_PGPASS=$CHC_HOME/pgpass
if [ "${CHC_PRIVATE_DATABASE:-}" = 1 ] || [ -z "${CHC_DATABASE_URL:-}" ]; then
	export CHC_PRIVATE_DATABASE=1
	export CHC_DATABASE_URL="host=$CHC_HOME/pg/run port=$CHC_PG_PORT user=chc dbname=chc passfile=$CHC_PGPASS"
else
	export CHC_PRIVATE_DATABASE=0
fi

export CHC_COMPANIES_URL=$(service_url companies 0)
export CHC_MUNICIPALITIES_URL=$(service_url municipalities 1)
export CHC_PROJECTS_URL=$(service_url projects 2)
export CHC_MATCHING_URL=$(service_url matching 3)

# Runs a command as the unprivileged owner of the private PostgreSQL: the
# server refuses to run as root.
as_database_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# The connection string service NAME uses: its own role on the private
# cluster; on a database the user brought, the URL they gave.
service_database_url() {
	if [ "$CHC_PRIVATE_DATABASE" = 1 ]; then
		printf 'host=%s port=%s user=chc_%s dbname=chc passfile=%s' \
			"$CHC_HOME/pg/run" "$CHC_PG_PORT" "$1" "$CHC_PGPASS"
	else
		printf '%s' "$CHC_DATABASE_URL"
	fi
}

# What service NAME reads from with `stack.sh start --replica`: its own role
# on the private cluster's streaming replica (the roles and their passwords
# are replicated with everything else).
service_read_database_url() {
	printf 'host=%s port=%s user=chc_%s dbname=chc passfile=%s' \
		"$CHC_HOME/pg/run" "$CHC_PG_REPLICA_PORT" "$1" "$CHC_PGPASS"
}
