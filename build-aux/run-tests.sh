#!/bin/sh
# Runs every test suite; GUI tests need a display, so everything runs under
# Xvfb and a private D-Bus.  Fails if the gui suite was skipped: a skipped
# GUI test tests nothing.
set -eu
builddir=${1:-_build}
export GTK_A11Y=none NO_AT_BRIDGE=1 LANG=C.UTF-8 TZ=UTC

xvfb-run -a -s "-screen 0 1280x900x24" dbus-run-session -- \
  meson test -C "$builddir" --print-errorlogs --no-rebuild

log="$builddir/meson-logs/testlog.json"
python3 - "$log" <<'PY'
import json, sys
tests = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def suites(t):
    # meson 1.0 names tests "project:suite1+suite2 / name"
    return t['name'].split(' / ')[0].split(':', 1)[-1].split('+')
gui = [t for t in tests if 'gui' in suites(t)]
if not gui:
    sys.exit("run-tests: no gui test ran")
skipped = [t['name'] for t in gui if t['result'] != 'OK']
if skipped:
    sys.exit("run-tests: gui tests not OK: " + ", ".join(skipped))
print("run-tests: %d gui tests ran under Xvfb" % len(gui))
PY
