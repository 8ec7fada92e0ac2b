#!/usr/bin/env bash
# Back up the CSP board system: the PostgreSQL database (pg_dump custom format) and the media
# files (uploads and generated reports) as a tar archive.
#
#   DATABASE_URL=postgres://user:pass@host:5432/csp MEDIA_ROOT=/app/media scripts/backup.sh DIR
#
# Writes DIR/csp-<UTC time>.dump and DIR/csp-<UTC time>-media.tar.gz and prints both paths.
# pg_dump must be the server's major version or newer (PostgreSQL 15 client for a 15 server).
# The dump is consistent on its own (one snapshot) while the site runs; media files written
# during the backup may or may not be in the archive, which a restore tolerates (a report row
# without its file offers "try again").
set -euo pipefail

usage() { echo "usage: DATABASE_URL=... MEDIA_ROOT=... $0 BACKUP_DIR" >&2; exit 2; }
[[ $# -eq 1 ]] || usage
: "${DATABASE_URL:?set DATABASE_URL to the database to back up}"
: "${MEDIA_ROOT:?set MEDIA_ROOT to the media folder (uploads and reports)}"

dir=$1
stamp=$(date -u +%Y%m%dT%H%M%SZ)
dump="$dir/csp-$stamp.dump"
media="$dir/csp-$stamp-media.tar.gz"
# Backups hold personal data (case panels, applicants): readable by the owner only, the
# folder made for them included.
umask 077
mkdir -p "$dir"

# Custom format: compressed, and pg_restore can restore it into a database of any name.
# No owners or grants, so it restores under whichever role runs the restore.
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$dump.part"
mv "$dump.part" "$dump"

if [[ -d $MEDIA_ROOT ]]; then
    tar --create --gzip --file="$media.part" --directory="$MEDIA_ROOT" .
else
    # A site that has stored no file yet: an empty archive keeps restore.sh uniform.
    tar --create --gzip --file="$media.part" --files-from=/dev/null
fi
mv "$media.part" "$media"

echo "$dump"
echo "$media"
