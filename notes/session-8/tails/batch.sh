#!/bin/bash
# Usage: bash notes/session-8/tails/batch.sh METHOD MODES... (rows in notes/session-8/tails/rows/)
cd /work/main && export NUMBA_CACHE_DIR=$PWD/.numba_cache
T=notes/session-8/tails
meth=$1; shift
for b in 8192 32768; do
  for c in exp1 cubic kink moments exp3 beam; do
    for m in "$@"; do
      n=100; [ "$c" = exp1 -o "$c" = cubic ] && n=200
      f=$T/rows/${c}_${b}_${m}_${meth}.jsonl
      [ -s $f.gz ] && continue
      PYTHONPATH=. nice .venv/bin/python $T/cov_runs.py $c $b $n $m $f $meth && gzip -f $f
    done
  done
done
