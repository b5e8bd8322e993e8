#!/bin/bash
cd /tmp/ss7/base
export PYTHONPATH=/tmp/ss7/base NUMBA_CACHE_DIR=/tmp/ss7/base/.numba_cache
for k in 12 14 16; do
  for c in ishigami G borehole beam lognormal threshold; do
    echo "$(date -u +%T) start $c $k load $(cut -d' ' -f1-3 /proc/loadavg)"
    nice -n 5 /work/main/.venv/bin/python /tmp/ss7/cov/cov.py $c $k 100 /tmp/ss7/cov/study_$k.jsonl 2>&1 | grep -v -i warn
  done
done
echo "$(date -u +%T) done"
