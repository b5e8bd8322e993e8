"""Load HEAD's _chaos/_rqmc as samplingstats.importance._chaos_old/_rqmc_old (same process)."""
import importlib.util, sys
import samplingstats.importance as imp
import samplingstats.importance._sobol as so
import samplingstats.importance._rqmc as rq_new
import samplingstats.importance._chaos as ch_new

def _load(name, path):
    full = "samplingstats.importance." + name
    spec = importlib.util.spec_from_file_location(full, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[full] = mod
    spec.loader.exec_module(mod)
    return mod

ch_old = _load("_chaos_old", "/tmp/ss8/chaosfast/_chaos_old.py")
rq_old = _load("_rqmc_old", "/tmp/ss8/chaosfast/_rqmc_old.py")

def use(which):
    so.rqmc_sobol = (rq_old if which == "old" else rq_new).rqmc_sobol
