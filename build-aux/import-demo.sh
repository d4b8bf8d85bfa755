#!/bin/sh
# Imports a generated demo fleet into a workspace, file by file, passing
# --hub for the twin query pages whose content does not name their hub
# (data/demo writes that mapping to import.list).
set -eu
cli=$1
dir=$2
db=$3
[ -f "$dir/import.list" ] || { echo "import-demo: $dir/import.list is missing" >&2; exit 2; }
while read -r hub path; do
  [ -n "$path" ] || continue
  if [ "$hub" = "-" ]; then
    "$cli" import --db "$db" "$dir/$path" >/dev/null
  else
    "$cli" import --db "$db" --hub "$hub" "$dir/$path" >/dev/null
  fi
done < "$dir/import.list"
"$cli" stats --db "$db"
