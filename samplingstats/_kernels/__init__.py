"""Numba kernels (private). One family per file; kernels do not validate, public wrappers do.

Importing this package does not import numba: kernels are wrapped by :func:`._jit.njit`, which
compiles on first call.
"""
