#!/usr/bin/env bash
# The local stack: a private PostgreSQL 15 under $CHC_HOME, the migrations,
# and the four services in the background with logs and pid files.
#
#   scripts/stack.sh start [--replica]
#                             start what is not running, wait until ready;
#                             --replica also runs a streaming replica of the
#                             private PostgreSQL on CHC_PG_REPLICA_PORT and
#                             gives the services its CHC_DATABASE_READ_URL
#   scripts/stack.sh stop     drain and stop the services, then PostgreSQL
#                             and its replica
#   scripts/stack.sh status   show each part
#
# Authentication is on: start writes the operator's admin token to
# $CHC_HOME/admin.token (mode 0600), which chc reads when CHC_TOKEN is unset.
# Running start twice is harmless. With CHC_DATABASE_URL set, the stack uses
# that database and starts no PostgreSQL of its own.
set -euo pipefail
source "$(dirname "$0")/common.sh"

pg_dir=$CHC_HOME/pg
replica_dir=$pg_dir/replica
with_replica=0
run_dir=$CHC_HOME/run
log_dir=$CHC_HOME/log

database_start() {
	[ "$CHC_PRIVATE_DATABASE" = 1 ] || return 0
	[ -x "$CHC_PG_BIN/pg_ctl" ] || die "PostgreSQL 15 is not installed ($CHC_PG_BIN/pg_ctl): run scripts/install-deps.sh"
	mkdir -p "$pg_dir/run"
	if [ "$(id -u)" = 0 ]; then
		chown postgres "$pg_dir" "$pg_dir/run"
		# The owner must reach its directory through every parent.
		chmod o+x "$CHC_HOME"
	fi
	if [ ! -f "$pg_dir/data/PG_VERSION" ]; then
		say "creating a PostgreSQL cluster in $pg_dir/data (passwords: $CHC_PGPASS)"
		# Every connection gives a password, the owner's included: a random
		# one, handed to initdb in a file only the cluster's owner reads.
		local password
		password=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
		(umask 077 && printf '*:*:*:chc:%s\n' "$password" >"$CHC_PGPASS")
		(umask 077 && printf '%s\n' "$password" >"$pg_dir/owner.password")
		[ "$(id -u)" != 0 ] || chown postgres "$pg_dir/owner.password"
		as_database_owner "$CHC_PG_BIN/initdb" -D "$pg_dir/data" -U chc \
			--auth=scram-sha-256 --pwfile="$pg_dir/owner.password" \
			-E UTF8 --locale=C.UTF-8 >"$pg_dir/initdb.log" 2>&1 ||
			{ rm -f "$pg_dir/owner.password"; die "initdb failed: see $pg_dir/initdb.log"; }
		rm -f "$pg_dir/owner.password"
	fi
	if ! as_database_owner "$CHC_PG_BIN/pg_ctl" -D "$pg_dir/data" status >/dev/null 2>&1; then
		say "starting PostgreSQL on port $CHC_PG_PORT (socket $pg_dir/run)"
		as_database_owner "$CHC_PG_BIN/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/postgresql.log" -w -t 60 \
			-o "-p $CHC_PG_PORT -k $pg_dir/run -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=${CHC_PG_FSYNC:-on}" \
			start >/dev/null || die "PostgreSQL did not start: see $pg_dir/postgresql.log"
	fi
	local exists
	exists=$(psql "host=$pg_dir/run port=$CHC_PG_PORT user=chc dbname=postgres passfile=$CHC_PGPASS" -XAtc \
		"SELECT 1 FROM pg_database WHERE datname = 'chc'")
	if [ "$exists" != 1 ]; then
		psql "host=$pg_dir/run port=$CHC_PG_PORT user=chc dbname=postgres passfile=$CHC_PGPASS" -Xqc "CREATE DATABASE chc" ||
			die "cannot create database chc"
	fi
}

database_stop() {
	[ "$CHC_PRIVATE_DATABASE" = 1 ] || return 0
	[ -f "$pg_dir/data/PG_VERSION" ] || return 0
	if as_database_owner "$CHC_PG_BIN/pg_ctl" -D "$pg_dir/data" status >/dev/null 2>&1; then
		as_database_owner "$CHC_PG_BIN/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null
		say "PostgreSQL stopped"
	fi
}

cluster_running() {
	[ -f "$1/PG_VERSION" ] && as_database_owner "$CHC_PG_BIN/pg_ctl" -D "$1" status >/dev/null 2>&1
}

# A streaming replica of the private cluster, made once with pg_basebackup
# (-R: standby.signal and primary_conninfo). initdb's pg_hba.conf already
# lets the owner replicate over the local socket (with its password, as
# every connection), and wal_level is replica unless someone lowered it.
replica_start() {
	[ "$CHC_PRIVATE_DATABASE" = 1 ] ||
		die "--replica makes a replica of the private PostgreSQL; with CHC_DATABASE_URL set, point CHC_DATABASE_READ_URL at your own replica"
	local primary="host=$pg_dir/run port=$CHC_PG_PORT user=chc dbname=postgres passfile=$CHC_PGPASS"
	[ "$(psql "$primary" -XAtc 'SHOW wal_level')" != minimal ] ||
		die "the private PostgreSQL runs with wal_level=minimal: no replica can follow it"
	if [ ! -f "$replica_dir/PG_VERSION" ]; then
		say "making a streaming replica in $replica_dir (pg_basebackup)"
		# Its WAL receiver runs as the cluster's owner and logs in as chc:
		# the owner's password in a file that user alone reads.
		(umask 077 && grep '^\*:\*:\*:chc:' "$CHC_PGPASS" >"$pg_dir/replication.pgpass")
		[ "$(id -u)" != 0 ] || chown postgres "$pg_dir/replication.pgpass"
		as_database_owner "$CHC_PG_BIN/pg_basebackup" -R -X stream -c fast -D "$replica_dir" \
			-d "host=$pg_dir/run port=$CHC_PG_PORT user=chc passfile=$pg_dir/replication.pgpass" \
			>"$pg_dir/basebackup.log" 2>&1 ||
			{ rm -rf "$replica_dir"; die "pg_basebackup failed: see $pg_dir/basebackup.log"; }
	fi
	if ! cluster_running "$replica_dir"; then
		say "starting the replica on port $CHC_PG_REPLICA_PORT (socket $pg_dir/run)"
		as_database_owner "$CHC_PG_BIN/pg_ctl" -D "$replica_dir" -l "$pg_dir/replica.log" -w -t 60 \
			-o "-p $CHC_PG_REPLICA_PORT -k $pg_dir/run -c listen_addresses=127.0.0.1 -c max_connections=200 -c hot_standby=on -c fsync=${CHC_PG_FSYNC:-on}" \
			start >/dev/null || die "the replica did not start: see $pg_dir/replica.log"
	fi
}

replica_stop() {
	if cluster_running "$replica_dir"; then
		as_database_owner "$CHC_PG_BIN/pg_ctl" -D "$replica_dir" -m fast -w stop >/dev/null
		say "PostgreSQL replica stopped"
	fi
}

pid_alive() {
	local file=$1
	[ -f "$file" ] && kill -0 "$(cat "$file")" 2>/dev/null
}

# Authentication is on: the operator's admin token (chc reads it from
# here) and the token the services call each other with, each readable by
# its owner only. Kept while the database knows them.
tokens_make() {
	"$CHC_BUILD_DIR/services/chc-migrate" token admin "$CHC_HOME/admin.token" "the operator"
	"$CHC_BUILD_DIR/services/chc-migrate" token service "$CHC_HOME/service.token" \
		"the stack's services"
}

services_start() {
	mkdir -p "$run_dir" "$log_dir"
	local index=0 name
	for name in "${CHC_SERVICES[@]}"; do
		local pid_file=$run_dir/$name.pid
		if pid_alive "$pid_file"; then
			say "chc-$name already running (pid $(cat "$pid_file"))"
		else
			# A replica of the user's own database is theirs to name.
			local read_url=${CHC_DATABASE_READ_URL:-}
			[ "$with_replica" = 0 ] || read_url=$(service_read_database_url "$name")
			CHC_TOKEN=$(head -n 1 "$CHC_HOME/service.token") \
				CHC_DATABASE_URL=$(service_database_url "$name") \
				CHC_DATABASE_READ_URL=$read_url \
				CHC_LISTEN=$(service_url "$name" "$index") CHC_HTTP_LISTEN=$(service_http "$index") \
				CHC_EVENTS_LISTEN=$(service_events "$index") \
				nohup "$CHC_BUILD_DIR/services/chc-$name" >>"$log_dir/$name.log" 2>&1 </dev/null &
			echo $! >"$pid_file"
			say "started chc-$name (pid $!, $(service_url "$name" "$index"), http $(service_http "$index"))"
		fi
		index=$((index + 1))
	done
}

wait_ready() {
	local index=0 name tries
	for name in "${CHC_SERVICES[@]}"; do
		tries=0
		until curl -fsS "http://$(service_http "$index")/readyz" >/dev/null 2>&1; do
			tries=$((tries + 1))
			if ! pid_alive "$run_dir/$name.pid"; then
				tail -n 5 "$log_dir/$name.log" >&2 || true
				die "chc-$name exited: see $log_dir/$name.log"
			fi
			[ $tries -lt 150 ] || die "chc-$name is not ready after 30 s: see $log_dir/$name.log"
			sleep 0.2
		done
		index=$((index + 1))
	done
	say "all four services are ready"
}

services_stop() {
	local name pid_file pid tries
	for name in "${CHC_SERVICES[@]}"; do
		pid_file=$run_dir/$name.pid
		if pid_alive "$pid_file"; then
			pid=$(cat "$pid_file")
			kill -TERM "$pid"
			tries=0
			while kill -0 "$pid" 2>/dev/null && [ $tries -lt 150 ]; do
				sleep 0.1
				tries=$((tries + 1))
			done
			if kill -0 "$pid" 2>/dev/null; then
				kill -KILL "$pid"
				say "chc-$name did not drain in 15 s: killed"
			else
				say "chc-$name stopped"
			fi
		fi
		rm -f "$pid_file"
	done
}

status() {
	if [ "$CHC_PRIVATE_DATABASE" = 1 ]; then
		if [ -f "$pg_dir/data/PG_VERSION" ] &&
			as_database_owner "$CHC_PG_BIN/pg_ctl" -D "$pg_dir/data" status >/dev/null 2>&1; then
			say "postgresql      running   port $CHC_PG_PORT, socket $pg_dir/run"
		else
			say "postgresql      stopped"
		fi
		if cluster_running "$replica_dir"; then
			say "replica         running   port $CHC_PG_REPLICA_PORT, socket $pg_dir/run"
		elif [ -f "$replica_dir/PG_VERSION" ]; then
			say "replica         stopped"
		fi
	else
		say "postgresql      external  (CHC_DATABASE_URL)"
	fi
	local index=0 name state ready
	for name in "${CHC_SERVICES[@]}"; do
		if pid_alive "$run_dir/$name.pid"; then
			state="running   pid $(cat "$run_dir/$name.pid")"
			ready=$(curl -fsS "http://$(service_http "$index")/readyz" 2>/dev/null || echo "not ready")
		else
			state="stopped"
			ready=""
		fi
		printf '%-15s %-20s %-24s %s\n' "chc-$name" "$state" "$(service_url "$name" "$index")" "$ready"
		index=$((index + 1))
	done
}

case "${1:-}" in
start)
	case "${2:-}" in
	--replica) with_replica=1 ;;
	"") ;;
	*) die "unknown option \"$2\" (start [--replica])" ;;
	esac
	[ -x "$CHC_BUILD_DIR/services/chc-companies" ] || die "not built: run scripts/build.sh first"
	database_start
	"$CHC_BUILD_DIR/services/chc-migrate" --dir "$CHC_ROOT/migrations" up
	[ "$CHC_PRIVATE_DATABASE" = 0 ] || "$CHC_BUILD_DIR/services/chc-migrate" passwords "$CHC_PGPASS"
	tokens_make
	# After the passwords: the replica copies them with everything else.
	[ "$with_replica" = 0 ] || replica_start
	services_start
	wait_ready
	;;
stop)
	services_stop
	replica_stop
	database_stop
	;;
status)
	status
	;;
*)
	echo "usage: scripts/stack.sh start [--replica]|stop|status" >&2
	exit 2
	;;
esac
