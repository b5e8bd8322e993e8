#!/bin/bash
cd /work/main
export NUMBA_CACHE_DIR=/work/main/.numba_cache
Q=/tmp/ss5/quiet
run() { name=$1; shift; echo "== $name start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" >> $Q/log; "$@" > $Q/$name.txt 2>&1; echo "== $name rc=$? end $(date -u +%T)" >> $Q/log; }
run walks_scaling .venv/bin/python -m benchmarks.bench_walks --scaling
run dpp .venv/bin/python -m benchmarks.bench_dpp finite --threads 1 2
run cluster_hard .venv/bin/python -m benchmarks.bench_cluster --threads 1 2 --cases large --regime hard
run lp_auto_small .venv/bin/python -m benchmarks.bench_lp auto --n 1e4,1e5
run lp_auto_1e6 .venv/bin/python -m benchmarks.bench_lp auto --n 1e6 --full-cap 60
run lp_threads .venv/bin/python -m benchmarks.bench_lp threads
run imp_overhead env SAMPLINGSTATS_BENCH_SKIP_PEERS=1 SAMPLINGSTATS_BENCH_PARTS=overhead .venv/bin/python -m benchmarks.bench_importance
run imp_peers env SAMPLINGSTATS_BENCH_ONLY_PEERS=1 SAMPLINGSTATS_BENCH_CASES="borehole,beam" SAMPLINGSTATS_BENCH_K=10 SAMPLINGSTATS_BENCH_REPS=5 SAMPLINGSTATS_BENCH_CHAOS_K=10 SAMPLINGSTATS_BENCH_CHAOS_REPS=3 .venv/bin/python -m benchmarks.bench_importance
run walks_tests .venv/bin/python -m pytest tests/walks -q -p no:cacheprovider --durations=10
run cluster_het .venv/bin/python -m benchmarks.bench_cluster --threads 1 2 --cases heterogeneous
echo ALLDONE >> $Q/log
