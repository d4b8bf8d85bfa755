#!/bin/sh
# DESIGN.md: nothing in src/core includes GTK, GDK or libadwaita, and the
# lower layers never include the higher ones.
set -u
src=$1/src/core
bad=$(grep -rEn '#include *[<"](gtk/|gdk/|adwaita\.h|gtk\.h)' "$src")
if [ -n "$bad" ]; then
  echo "src/core includes GTK/GDK/libadwaita:"; echo "$bad"; exit 1
fi
# store is the base layer: it includes nothing from ingest, net, analysis, evidence
bad=$(grep -rEn '#include *"attest-(import|json|digest|parse|sync|net|analysis|finding|evidence|pack)' "$src/store")
if [ -n "$bad" ]; then
  echo "src/core/store includes a higher layer:"; echo "$bad"; exit 1
fi
# ingest never includes analysis or evidence
bad=$(grep -rEn '#include *"attest-(analysis|finding|evidence|pack)' "$src/ingest")
if [ -n "$bad" ]; then
  echo "src/core/ingest includes a higher layer:"; echo "$bad"; exit 1
fi
echo "layering ok"
