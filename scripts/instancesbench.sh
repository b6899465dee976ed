#!/usr/bin/env bash
# instancesbench.sh: several instances on one PostgreSQL database (issue 11).
#
# In one run, side by side:
#   1. `newswire import` of N articles (one JSON batch file) into a SQLite
#      file and into a PostgreSQL schema: articles written per second;
#   2. feed-serving requests/s (wrk) of one instance against the same load
#      spread over three instances on the same database, each wrk thread on
#      its own instance (a wrk Lua setup() gives threads their addresses).
# On a small machine shared by wrk, PostgreSQL and the instances this shows
# the overhead of more processes, not scale. Loopback only; every step is
# bounded in time; the schema and everything started are removed on exit.
#
#   NEWSWIRE_TEST_POSTGRES='postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable' \
#     scripts/instancesbench.sh
#
# Environment:
#   NEWSWIRE_TEST_POSTGRES  the PostgreSQL server (required); a schema of its
#                           own is created there and dropped at the end
#   N=2000           articles imported (and served from)
#   DURATION=10      seconds per wrk run
#   RUNS=3           rounds, one and three instances taking turns; the median
#   CONNS=48         wrk connections (THREADS=3: one thread per instance)
#   NEWSWIRE_BIN     use this binary instead of building one
set -euo pipefail

N=${N:-2000}
DURATION=${DURATION:-10}
RUNS=${RUNS:-3}
CONNS=${CONNS:-48}
THREADS=3
PG=${NEWSWIRE_TEST_POSTGRES:-}
[[ -n $PG ]] || { echo "instancesbench: set NEWSWIRE_TEST_POSTGRES to a PostgreSQL URL" >&2; exit 1; }
for v in N DURATION RUNS CONNS; do
	[[ ${!v} =~ ^[0-9]+$ ]] || { echo "instancesbench: $v=${!v}: want a whole number" >&2; exit 1; }
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PATH="/usr/local/go/bin:$PATH"
W=$(mktemp -d /tmp/newswire-instancesbench.XXXXXX)
PIDS=()
SCHEMA="bench_$(date +%s)_$$"
log() { printf '== %s\n' "$*" >&2; }
die() { printf 'instancesbench: %s\n' "$*" >&2; exit 1; }

cleanup() {
	local rc=$? pid
	trap - EXIT INT TERM
	for pid in "${PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		timeout 20 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
	done
	psql -q "$PG" -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
	rm -rf "$W"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

missing=()
for tool in wrk curl psql; do
	command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
	[[ $(id -u) == 0 ]] || die "missing ${missing[*]}; install them or run as root"
	missing=("${missing[@]/psql/postgresql-client}")
	log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	timeout 600 apt-get update -qq >"$W/apt.log" 2>&1 || die "apt-get update failed"
	timeout 900 apt-get install -y -qq "${missing[@]}" >>"$W/apt.log" 2>&1 || die "apt-get install ${missing[*]} failed"
fi

BIN=${NEWSWIRE_BIN:-$W/newswire}
if [[ -z ${NEWSWIRE_BIN:-} ]]; then
	log "build"
	(cd "$ROOT" && go build -o "$BIN" ./cmd/newswire)
fi

timeout 30 psql -q "$PG" -c "CREATE SCHEMA $SCHEMA" >/dev/null
case $PG in *\?*) DB="$PG&search_path=$SCHEMA" ;; *) DB="$PG?search_path=$SCHEMA" ;; esac

log "$N articles"
# ~3 KB Arabic articles, 200 to a JSON file (import takes files up to 16 MiB).
mkdir "$W/batch"
awk -v n="$N" -v dir="$W/batch" 'BEGIN {
	body = ""
	for (i = 0; i < 20; i++) body = body "نص الخبر الطويل في فقرة من فقرات القصة. "
	for (i = 0; i < n; i++) {
		f = sprintf("%s/%05d.json", dir, int(i / 200))
		printf "%s{\"guid\": \"bench-%d\", \"title\": \"خبر رقم %d\", \"categories\": [\"world\"], \"published\": \"2026-11-%02dT%02d:%02d:00Z\", \"content_html\": \"<p>%s</p><p>%s</p>\"}", (i % 200 ? "," : "["), i, i, 1 + i % 28, i % 24, i % 60, body, body > f
		if (i % 200 == 199 || i == n - 1) { printf "]" > f; close(f) }
	}
}'

# ms: wall milliseconds of a command.
ms() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >"$W/import.log" 2>&1 || die "$*: $(tail -n 3 "$W/import.log")"
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}
log "import into SQLite"
sqlite_ms=$(ms timeout 600 "$BIN" import --db "$W/n.db" "$W/batch")
log "import into PostgreSQL"
pg_ms=$(ms timeout 600 "$BIN" import --db "$DB" "$W/batch")

free_port() {
	local p i
	for ((i = 0; i < 100; i++)); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

cat >"$W/newswire.yaml" <<EOF
database: "$DB"
site: {base_url: "http://news.example"}
websub: {disabled: true}
limits: {disabled: true}
categories: [{slug: world}]
EOF
PORTS=()
for i in 0 1 2; do
	port=$(free_port) || die "no free port"
	"$BIN" serve --config "$W/newswire.yaml" --listen "127.0.0.1:$port" --instance "bench-$i" --log-level warn \
		>"$W/serve-$i.log" 2>&1 &
	PIDS+=($!)
	for ((t = 0; t < 600; t++)); do
		curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/healthz" && break
		kill -0 "${PIDS[-1]}" 2>/dev/null || die "instance $i exited: $(tail -n 5 "$W/serve-$i.log")"
		sleep 0.1
	done
	PORTS+=("$port")
done
PATH_Q="/feeds/world.json"
for port in "${PORTS[@]}"; do
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 15 -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port$PATH_Q")
	[[ $code == 200 ]] || die "GET $PATH_Q on $port: $code"
done

# Each wrk thread on its own instance.
cat >"$W/spread.lua" <<EOF
local ports = { ${PORTS[0]}, ${PORTS[1]}, ${PORTS[2]} }
local n = 0
function setup(thread)
	n = n + 1
	thread.addr = wrk.lookup("127.0.0.1", ports[(n - 1) % #ports + 1])[1]
end
EOF

# served PORT: feed requests an instance has answered from its cache.
served() { curl -s --max-time 15 "http://127.0.0.1:$1/metrics" | awk '/^newswire_feed_cache_hits_total/ { s += $2 } END { printf "%d", s }'; }
rps() { awk '/^Requests\/sec:/ { print $2 }' "$1"; }
p99() { awk '$1 == "99%" { print $2 }' "$1"; }
one=() three=()
for ((r = 1; r <= RUNS; r++)); do
	log "round $r/$RUNS: one instance"
	timeout $((DURATION + 30)) wrk -t "$THREADS" -c "$CONNS" -d "${DURATION}s" --latency -H 'Accept-Encoding: gzip' \
		"http://127.0.0.1:${PORTS[0]}$PATH_Q" >"$W/one-$r.txt"
	one+=("$(rps "$W/one-$r.txt") $(p99 "$W/one-$r.txt")")
	log "round $r/$RUNS: three instances"
	before=()
	for port in "${PORTS[@]}"; do before+=("$(served "$port")"); done
	timeout $((DURATION + 30)) wrk -t "$THREADS" -c "$CONNS" -d "${DURATION}s" --latency -H 'Accept-Encoding: gzip' \
		-s "$W/spread.lua" "http://127.0.0.1:${PORTS[0]}$PATH_Q" >"$W/three-$r.txt"
	three+=("$(rps "$W/three-$r.txt") $(p99 "$W/three-$r.txt")")
	# Each instance must have served its share, or the spread did not work.
	for i in 0 1 2; do
		(($(served "${PORTS[$i]}") - before[i] > 0)) || die "instance $i served nothing in the three-instance run"
	done
done
median() { printf '%s\n' "$@" | sort -n -k1,1 | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }'; }

echo
echo "instancesbench: N=$N DURATION=$DURATION RUNS=$RUNS CONNS=$CONNS THREADS=$THREADS, $(nproc) cores, load at end $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v n="$N" -v s="$sqlite_ms" -v p="$pg_ms" 'BEGIN {
	printf "| import of %d articles | SQLite | PostgreSQL |\n|---|---|---|\n", n
	printf "| wall time (process start included) | %.2f s | %.2f s |\n| articles/s | %.0f | %.0f |\n", s / 1000, p / 1000, n * 1000 / s, n * 1000 / p
}'
echo
echo "| $PATH_Q, gzip, $CONNS connections | req/s (median of $RUNS) | p99 | every round (req/s p99) |"
echo "|---|---|---|---|"
m=$(median "${one[@]}")
echo "| one instance | ${m% *} | ${m#* } | ${one[*]} |"
m=$(median "${three[@]}")
echo "| three instances, one wrk thread each | ${m% *} | ${m#* } | ${three[*]} |"
