cd /work/main
export NUMBA_CACHE_DIR=$PWD/.numba_cache
T=notes/session-8/tails
run() { # case budget mode method
  n=100; [ "$1" = exp1 -o "$1" = cubic ] && n=200
  f=$T/rows/$1_$2_$3_$4.jsonl
  [ -s $f.gz ] && return
  PYTHONPATH=. nice .venv/bin/python $T/cov_runs.py $1 $2 $n $3 $f $4 && gzip -f $f
}
for b in 8192 32768; do for c in exp3 beam; do run $c $b w1.4 rqmc; done; done
for b in 8192 32768; do for c in exp1 cubic kink moments exp3 beam; do for m in w1 w1.4; do run $c $b $m auto; done; done; done
for b in 32768; do for c in cubic kink; do run $c $b w1.3 rqmc; done; done
