#!/usr/bin/env bash
# cursormem.sh: newswire's peak memory while partners pull ?since= with
# distinct cursors, each a page the cache of pulls may keep.
#
#   scripts/cursormem.sh DB                     # a database `newswire import` filled
#   CURSORS=20000 DURATION=100 scripts/cursormem.sh DB
#
# It serves DB, requests every category feed (plain and gzip) so the cache
# holds them, then runs wrk (-t2 -c64, gzip) cycling through CURSORS
# distinct /feeds/politics.rss?since=c<seq>-<id> cursors for DURATION
# seconds, and prints VmRSS and VmHWM (peak) from /proc. NEWSWIRE_BIN picks
# the binary (default: built from this tree). Needs curl, wrk and sqlite3.
set -euo pipefail
DB=${1:?usage: cursormem.sh DB}
CURSORS=${CURSORS:-20000}
DURATION=${DURATION:-100}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d /tmp/newswire-cursormem.XXXXXX)
BIN=${NEWSWIRE_BIN:-}
if [[ -z $BIN ]]; then
	BIN=$W/newswire
	(cd "$ROOT" && go build -o "$BIN" ./cmd/newswire)
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
NW=http://127.0.0.1:$PORT
"$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" </dev/null >"$W/serve.log" 2>&1 &
PID=$!
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$W"' EXIT
for _ in $(seq 100); do curl -sf -o /dev/null "$NW/healthz" && break; sleep 0.3; done
for c in all $(sqlite3 "file:$DB?mode=ro" 'SELECT slug FROM categories WHERE listed = 1'); do
	for ext in rss atom json; do
		curl -s -o /dev/null "$NW/feeds/$c.$ext"
		curl -s -o /dev/null -H 'Accept-Encoding: gzip' "$NW/feeds/$c.$ext"
	done
done
TOP=$(sqlite3 "file:$DB?mode=ro" "SELECT value FROM meta WHERE key = 'version'")
cat >"$W/cursors.lua" <<LUA
local top, n = $TOP, $CURSORS
local threads = 0
function setup(thread) thread:set("offset", threads * math.floor(n / 2)); threads = threads + 1 end
local i = 0
function request()
  i = i + 1
  local k = (i + (offset or 0)) % n
  return wrk.format(nil, "/feeds/politics.rss?since=c" .. (top - k % (top + 1)) .. "-" .. k)
end
LUA
echo "before: $(grep VmRSS /proc/$PID/status)"
wrk -t2 -c64 -d"${DURATION}s" -s "$W/cursors.lua" -H 'Accept-Encoding: gzip' "$NW/feeds/politics.rss" |
	grep -E 'requests in|Requests/sec|Non-2xx' || true
grep -E 'VmRSS|VmHWM' /proc/$PID/status
