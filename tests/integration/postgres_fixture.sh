#!/usr/bin/env bash
# CTest fixture: a private PostgreSQL for the integration tests, in the build
# tree, on its own port, with the migrations applied; and, for the suites
# that read from one, a streaming replica of it on the next port.
#   postgres_fixture.sh ACTION BUILD_DIR SOURCE_DIR
set -euo pipefail
action=$1
build_dir=$2
source_dir=$3
export CHC_HOME=$build_dir/test-home
export CHC_PG_PORT=${CHC_TEST_PG_PORT:-55433}
export CHC_BUILD_DIR=$build_dir
unset CHC_DATABASE_URL CHC_PRIVATE_DATABASE
source "$source_dir/scripts/common.sh"
pg=$CHC_HOME/pg
replica_port=$((CHC_PG_PORT + 1))
# test_disk_full's small file system, and what unmounts it.
full=$CHC_HOME/full
unmount_full() { ! mountpoint -q "$full" 2>/dev/null || umount "$full"; }

replica_start() {
	as_database_owner "$CHC_PG_BIN/pg_ctl" -D "$pg/replica" -l "$pg/replica.log" -w -t 60 \
		-o "-p $replica_port -k $pg/run -c listen_addresses='' -c fsync=off -c max_connections=300 -c hot_standby=on" \
		start >/dev/null
}

case "$action" in
start)
	unmount_full
	rm -rf "$CHC_HOME"
	mkdir -p "$pg/run"
	if [ "$(id -u)" = 0 ]; then
		chown postgres "$pg" "$pg/run"
		chmod o+x "$CHC_HOME" "$build_dir"
	fi
	as_database_owner "$CHC_PG_BIN/initdb" -D "$pg/data" -U chc --auth=trust -E UTF8 \
		--locale=C.UTF-8 >"$CHC_HOME/initdb.log" 2>&1
	as_database_owner "$CHC_PG_BIN/pg_ctl" -D "$pg/data" -l "$pg/postgresql.log" -w -t 60 \
		-o "-p $CHC_PG_PORT -k $pg/run -c listen_addresses='' -c fsync=off -c max_connections=300" \
		start >/dev/null
	psql "host=$pg/run port=$CHC_PG_PORT user=chc dbname=postgres" -Xqc "CREATE DATABASE chc"
	"$build_dir/services/chc-migrate" --dir "$source_dir/migrations" up >/dev/null
	# Authentication is on in every test: the tokens the harness uses.
	for role in admin service reader; do
		"$build_dir/services/chc-migrate" token "$role" "$CHC_HOME/$role.token" tests >/dev/null
	done
	echo "test database ready: $CHC_DATABASE_URL"
	;;
stop)
	[ ! -f "$pg/replica/PG_VERSION" ] ||
		as_database_owner "$CHC_PG_BIN/pg_ctl" -D "$pg/replica" -m immediate -w stop >/dev/null 2>&1 || true
	as_database_owner "$CHC_PG_BIN/pg_ctl" -D "$pg/data" -m immediate -w stop >/dev/null 2>&1 || true
	unmount_full
	;;
stop-database)
	as_database_owner "$CHC_PG_BIN/pg_ctl" -D "$pg/data" -m fast -w stop >/dev/null
	;;
start-database)
	as_database_owner "$CHC_PG_BIN/pg_ctl" -D "$pg/data" -l "$pg/postgresql.log" -w -t 60 \
		-o "-p $CHC_PG_PORT -k $pg/run -c listen_addresses='' -c fsync=off -c max_connections=300" \
		start >/dev/null
	;;
# A fresh streaming replica: a base backup of the running cluster over the
# socket (initdb's pg_hba lets local replication in, and wal_level is
# replica by default), with -R writing primary_conninfo and standby.signal.
start-replica)
	"$0" stop-replica "$build_dir" "$source_dir"
	rm -rf "$pg/replica"
	as_database_owner "$CHC_PG_BIN/pg_basebackup" -h "$pg/run" -p "$CHC_PG_PORT" -U chc \
		-D "$pg/replica" -R -X stream -c fast >"$CHC_HOME/basebackup.log" 2>&1
	replica_start
	;;
stop-replica)
	[ ! -f "$pg/replica/PG_VERSION" ] ||
		as_database_owner "$CHC_PG_BIN/pg_ctl" -D "$pg/replica" -m fast -w stop >/dev/null 2>&1 || true
	;;
resume-replica)
	replica_start
	;;
# A disk that can fill up: a tmpfs of CHC_FULL_DISK_MIB (4) with the
# tablespace nearly_full on it. Mounting takes root; without it the action
# exits 77 (skipped).
fill-disk)
	mkdir -p "$full"
	mountpoint -q "$full" ||
		mount -t tmpfs -o "size=${CHC_FULL_DISK_MIB:-4}m" tmpfs "$full" 2>/dev/null || {
		echo "cannot mount a small file system here (it takes root)" >&2
		exit 77
	}
	mkdir -p "$full/space"
	[ "$(id -u)" != 0 ] || chown postgres "$full" "$full/space"
	psql "host=$pg/run port=$CHC_PG_PORT user=chc dbname=chc" -Xqc \
		"CREATE TABLESPACE nearly_full LOCATION '$full/space'"
	;;
free-disk)
	# Whatever a failed run left in the tablespace goes back first.
	psql "host=$pg/run port=$CHC_PG_PORT user=chc dbname=chc" -Xq \
		-c "DROP TABLE IF EXISTS companies.disk_filler" \
		-c "ALTER TABLE ALL IN TABLESPACE nearly_full SET TABLESPACE pg_default" \
		-c "DROP TABLESPACE IF EXISTS nearly_full" 2>/dev/null || true
	unmount_full
	;;
*)
	echo "usage: postgres_fixture.sh start|stop|stop-database|start-database|start-replica|stop-replica|resume-replica|fill-disk|free-disk BUILD SOURCE" >&2
	exit 2
	;;
esac
