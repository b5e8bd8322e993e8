#!/usr/bin/env bash
# quiet window: lead only. Usage: bash /tmp/ss6/quiet/run.sh
cd /work/main
export NUMBA_CACHE_DIR=/work/main/.numba_cache
log=/tmp/ss6/quiet/load.log
run() { name=$1; shift; echo "$(date -u +%T) start $name load $(cut -d' ' -f1-3 /proc/loadavg)" >> $log;
        "$@" > /tmp/ss6/quiet/$name.txt 2>&1; echo "$(date -u +%T) end $name rc $? load $(cut -d' ' -f1-3 /proc/loadavg)" >> $log; }
ps aux --sort=-%cpu | head -5 >> $log
run dpp_finite .venv/bin/python -m benchmarks.bench_dpp finite --threads 1 2
run imp_overhead env SAMPLINGSTATS_BENCH_SKIP_PEERS=1 SAMPLINGSTATS_BENCH_PARTS=overhead .venv/bin/python -m benchmarks.bench_importance
run imp_interleaved env SAMPLINGSTATS_BENCH_ONLY_PEERS=1 SAMPLINGSTATS_BENCH_CASES="borehole,beam" SAMPLINGSTATS_BENCH_K=10 SAMPLINGSTATS_BENCH_REPS=5 SAMPLINGSTATS_BENCH_CHAOS_K=10 SAMPLINGSTATS_BENCH_CHAOS_REPS=3 .venv/bin/python -m benchmarks.bench_importance
run dpp_finite2 .venv/bin/python -m benchmarks.bench_dpp finite --threads 1 2
