#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and a media folder.
#
#   DATABASE_URL=postgres://user:pass@host:5432/csp_restored MEDIA_ROOT=/app/media \
#       scripts/restore.sh DIR/csp-<time>.dump DIR/csp-<time>-media.tar.gz
#
# Create the database first (createdb, or CREATE DATABASE); the script refuses one that already
# has tables, so it cannot mix a backup into live data. Stop the web server, worker and beat
# while restoring over a live site, and start them afterwards (the migrate step then applies
# any migrations newer than the backup).
set -euo pipefail

usage() { echo "usage: DATABASE_URL=... MEDIA_ROOT=... $0 DUMP_FILE MEDIA_ARCHIVE" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
: "${DATABASE_URL:?set DATABASE_URL to the empty database to restore into}"
: "${MEDIA_ROOT:?set MEDIA_ROOT to the media folder to restore into}"
dump=$1
media=$2
[[ -f $dump ]] || { echo "no such dump file: $dump" >&2; exit 2; }
[[ -f $media ]] || { echo "no such media archive: $media" >&2; exit 2; }

tables=$(psql --dbname="$DATABASE_URL" --no-psqlrc --tuples-only --no-align --command \
    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
if [[ $tables -ne 0 ]]; then
    echo "refusing to restore: the database already has $tables tables; use an empty one" >&2
    exit 1
fi

# One transaction: a restore that fails part-way leaves the database empty, not half-filled.
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
    --dbname="$DATABASE_URL" "$dump"

mkdir -p "$MEDIA_ROOT"
tar --extract --gzip --file="$media" --directory="$MEDIA_ROOT"
echo "restored $dump and $media"
