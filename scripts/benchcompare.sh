#!/usr/bin/env bash
# benchcompare.sh: issue 12's Go benchmarks, an old tree beside a new one.
#
# Builds each package's test binary from two commits (git archive, so the
# working tree is untouched), then runs the benchmarks ROUNDS times with the
# two binaries taking turns, so that drifting load on a shared machine hits
# both alike. benchstat prints the medians and the change per benchmark.
#
#   scripts/benchcompare.sh                      # OLD=main~ NEW=HEAD, 5 rounds
#   OLD=a8bad88 NEW=HEAD ROUNDS=5 scripts/benchcompare.sh
#   ONLY=store scripts/benchcompare.sh           # one group (store, ingest, server, feeds, content)
#
# Environment:
#   OLD, NEW   commits to compare (default main~1 and HEAD)
#   ROUNDS=5   rounds per binary
#   ONLY       run only this group
#   OUT=DIR    where results go (default /tmp/benchcompare-<time>)
#   NEWSWIRE_TEST_POSTGRES  also run the PostgreSQL save case
set -euo pipefail

OLD=${OLD:-main~1}
NEW=${NEW:-HEAD}
ROUNDS=${ROUNDS:-5}
ONLY=${ONLY:-}
OUT=${OUT:-/tmp/benchcompare-$(date +%Y%m%d-%H%M%S)}
BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

root=$(git rev-parse --show-toplevel)
mkdir -p "$OUT"

# group: package, benchmark regexp, -test.benchtime
groups=(
	"store   ./internal/store    SaveArticles/(sqlite|postgres)/(new|cleaned|unchanged)/batch=100$  60x"
	"ingest  ./internal/ingest   IngestVsParse$                                 2s"
	"server  ./internal/server   (Serve|ServeHTTP|Pull)$                       1s"
	"feeds   ./feeds             (Write|GorillaAlone|Validate|FragmentsPublish|GzipPage)$  1s"
	"content ./internal/content  (Article|SanitizeArticle|Read)$                1s"
)

build() { # rev dir
	local rev=$1 dir=$2
	rm -rf "$dir" && mkdir -p "$dir/src"
	git -C "$root" archive "$rev" | tar -x -C "$dir/src"
	for g in "${groups[@]}"; do
		read -r name pkg _ _ <<<"$g"
		[[ -n $ONLY && $ONLY != "$name" ]] && continue
		(cd "$dir/src" && go test -c -o "$dir/$name.test" "$pkg")
	done
}

echo "building $OLD and $NEW into $OUT" >&2
build "$OLD" "$OUT/old"
build "$NEW" "$OUT/new"
{
	echo "old: $(git -C "$root" rev-parse --short "$OLD")  new: $(git -C "$root" rev-parse --short "$NEW")"
	echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(go version)"
} | tee "$OUT/README"

for ((r = 1; r <= ROUNDS; r++)); do
	for g in "${groups[@]}"; do
		read -r name pkg bench benchtime <<<"$g"
		[[ -n $ONLY && $ONLY != "$name" ]] && continue
		for side in old new; do
			echo "round $r/$ROUNDS: $name ($side)" >&2
			# Benchmarks read fixtures relative to their package's folder.
			(cd "$OUT/$side/src/$pkg" && "$OUT/$side/$name.test" -test.run '^$' \
				-test.bench "$bench" -test.benchtime "$benchtime" -test.benchmem) \
				>>"$OUT/$side.txt" 2>>"$OUT/$side.err" || echo "  $name ($side) failed: see $OUT/$side.err" >&2
		done
	done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/README"
(cd "$OUT" && go run "$BENCHSTAT" old=old.txt new=new.txt) | tee "$OUT/benchstat.txt"
