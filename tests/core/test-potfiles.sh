#!/bin/sh
# Every source file with user-visible strings is listed in po/POTFILES.in.
set -u
top=$1
cd "$top" || exit 1
missing=0
for f in $( (grep -rlE '\b(N?_|C_|ngettext)\(' src --include='*.c'; grep -rl 'translatable="yes"' ui --include='*.ui' 2>/dev/null) | sort -u); do
  if ! grep -qx "$f" po/POTFILES.in; then
    echo "missing from po/POTFILES.in: $f"
    missing=1
  fi
done
for f in $(grep -v '^#' po/POTFILES.in | grep .); do
  [ -f "$f" ] || { echo "po/POTFILES.in lists a file that does not exist: $f"; missing=1; }
done
[ $missing -eq 0 ] && echo "POTFILES complete"
exit $missing
