#!/bin/sh
# Run once by the postgres image when it makes the cluster: lets the
# replica of the compose profile "replica" stream WAL as chc, with its
# password. The image's own pg_hba.conf admits every database but not
# replication, which needs a line of its own.
set -e
echo "host replication chc all scram-sha-256" >>"$PGDATA/pg_hba.conf"
