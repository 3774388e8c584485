#!/usr/bin/env bash
# Runs every measurement of docs/PERFORMANCE.md and prints the figures:
#   criterion (RUNS times, default 3), the bulk binary (1 M bookings, save, restore, peak RSS),
#   and `tsuen scenario` on a generated 20,000-step file (hyperfine when installed).
# Usage: benches/run.sh            (results in target/bench-results/; RUNS=n, CPU_RUNS=n, OUT=dir)
# The machine should be quiet: check `uptime` first; the script prints it before each stage.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-target/bench-results}
RUNS=${RUNS:-3}
mkdir -p "$OUT"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || cat COMMIT 2>/dev/null || echo '?')" \
  "($(git status --short engine/src 2>/dev/null | wc -l) changed file(s) in engine/src)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"

cargo build --release -p tsuen-benches -p tsuen-server
cargo bench -p tsuen-benches --bench engine --no-run

for i in $(seq 1 "$RUNS"); do
  echo "== criterion run $i; $(uptime)"
  rm -rf target/criterion  # report.py collects every benchmark found there: keep only this run's
  cargo bench -p tsuen-benches --bench engine 2>&1 | tee "$OUT/criterion-run$i.log" | grep -E '^\[|time:' || true
  python3 benches/report.py collect "$OUT/run$i.json"
done
python3 benches/report.py table $(for i in $(seq 1 "$RUNS"); do echo "$OUT/run$i.json"; done) | tee "$OUT/table.md"

# The same benchmarks timed by the thread's CPU time (leaves out waiting for a core on a busy
# machine): CPU_RUNS=3 benches/run.sh.
CPU_RUNS=${CPU_RUNS:-0}
for i in $(seq 1 "$CPU_RUNS"); do
  echo "== criterion run $i, CPU time; $(uptime)"
  rm -rf target/criterion
  TSUEN_BENCH_CPU_TIME=1 cargo bench -p tsuen-benches --bench engine 2>&1 | tee "$OUT/criterion-cpu-run$i.log" \
    | grep -E '^\[|time:' || true
  python3 benches/report.py collect "$OUT/cpu-run$i.json"
done
if [ "$CPU_RUNS" -gt 0 ]; then
  python3 benches/report.py table $(for i in $(seq 1 "$CPU_RUNS"); do echo "$OUT/cpu-run$i.json"; done) \
    | tee "$OUT/table-cpu.md"
fi

for i in $(seq 1 "$RUNS"); do
  echo "== bulk run $i (random order); $(uptime)"
  target/release/memlat  # the VM's memory latency at this minute: the bulk figures follow it
  target/release/bulk | tee "$OUT/bulk-random-$i.log"
done
echo "== bulk, one request at a time (World::book, not book_many); $(uptime)"
TSUEN_BULK_ONE_BY_ONE=1 TSUEN_BULK_BOOK_ONLY=1 target/release/bulk | tee "$OUT/bulk-one-by-one.log"
echo "== bulk (facility/day order); $(uptime)"
target/release/bulk --sorted | tee "$OUT/bulk-sorted.log"
echo "== restore alone (fresh process); $(uptime)"
target/release/bulk --save "$OUT/world-1m.json" > "$OUT/bulk-save.log"
for i in $(seq 1 "$RUNS"); do
  target/release/memlat
  target/release/bulk --restore "$OUT/world-1m.json" | tee "$OUT/restore-$i.log"
done
rm -f "$OUT/world-1m.json"

echo "== scenario end to end; $(uptime)"
target/release/gen_scenario "$OUT/scenario-20k.json"
if command -v hyperfine > /dev/null; then
  hyperfine --warmup 2 --runs 10 --export-json "$OUT/scenario-hyperfine.json" \
    "target/release/tsuen scenario $OUT/scenario-20k.json"
else
  for i in $(seq 1 10); do /usr/bin/time -f "%e s, %M KiB" target/release/tsuen scenario "$OUT/scenario-20k.json"; done
fi
