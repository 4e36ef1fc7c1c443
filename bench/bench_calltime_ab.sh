#!/bin/bash
# Call-time latency of two checkouts side by side, in one run (issue 4 targets; a check that a
# change did not slow call time). Each checkout builds its own store with its own code from the
# same seed (--build-only), then the two submit held-back incidents in alternate rounds, so
# machine load falls on both alike. Prints each round's resolve and submit lines.
#
#   git worktree add /tmp/base <commit>
#   bench/bench_calltime_ab.sh /tmp/base "$PWD" [incidents] [sample per round] [rounds]
#
# 6 December 2026, ee3d0b4 (before the identifier-kind registry) against 2f4fc34, 5,000
# incidents, 2 rounds of 200: resolve p50 1.5/1.6 ms against 1.4/1.6 ms, p95 5.2/5.9 against
# 6.4/6.3; submit p50 7.1/7.4 against 7.4/8.7 (at most 1.2 times; load average 3 to 5).
set -euo pipefail
base=$1 branch=$2 incidents=${3:-5000} sample=${4:-200} rounds=${5:-2}
py=${PYTHON:-/work/main/.venv/bin/python}
out=$(mktemp -d -t calltime-ab.XXXX)
for side in "base:$base" "branch:$branch"; do
  name=${side%%:*} dir=${side#*:}
  (cd "$dir" && PYTHONPATH="$dir/src" "$py" bench/bench_calltime.py --incidents "$incidents" \
     --sample $((sample * rounds)) --seed 7 --force "$out/force_$name" \
     --db "sqlite:///$out/$name.db" --model "$out/$name.json" --build-only >/dev/null 2>&1)
done
for round in $(seq "$rounds"); do
  for side in "base:$base" "branch:$branch"; do
    name=${side%%:*} dir=${side#*:}
    (cd "$dir" && PYTHONPATH="$dir/src" "$py" bench/bench_calltime.py --sample "$sample" \
       --force "$out/force_$name" --db "sqlite:///$out/$name.db" --model "$out/$name.json" 2>&1) \
      | grep -E '^  (resolve|submit) ' | sed "s/^/$name round $round /"
  done
done
rm -rf "$out"
