#!/bin/sh
# Imports a generated demo fleet into a workspace through the real
# importers.  Twin query pages do not name their hub, so data/demo writes
# import.list ("<hub-or-dash> <relative path>" per line); files are imported
# in that order, one attest-cli run per hub group.
set -eu
cli=$1
dir=$2
db=$3
[ -f "$dir/import.list" ] || { echo "import-demo: $dir/import.list is missing" >&2; exit 2; }

flush() {
  [ -n "$files" ] || return 0
  if [ "$group" = "-" ]; then
    # shellcheck disable=SC2086
    "$cli" import --db "$db" $files >/dev/null
  else
    # shellcheck disable=SC2086
    "$cli" import --db "$db" --hub "$group" $files >/dev/null
  fi
  files=""
}

group=""
files=""
while read -r hub path; do
  [ -n "$path" ] || continue
  if [ "$hub" != "$group" ]; then
    flush
    group=$hub
  fi
  files="$files $dir/$path"
done < "$dir/import.list"
flush
"$cli" stats --db "$db"
