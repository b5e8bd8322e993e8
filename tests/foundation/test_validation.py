"""Every validation message of the shared layer, and the constraint semantics."""

import numbers

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from samplingstats import InvalidParameterError
from samplingstats._validation import (
    Interval,
    Options,
    Predicate,
    StrOptions,
    check_consistent_length,
    check_finite,
    check_int,
    check_matrix,
    check_param,
    check_probabilities,
    check_scalar,
    check_vector,
    check_weights,
    validate_params,
)

settings.register_profile("derandomized", derandomize=True, max_examples=60, deadline=None)
settings.load_profile("derandomized")


@validate_params(
    {
        "p": [Interval(numbers.Real, 1, None, closed="left")],
        "kind": [StrOptions({"iid", "dpp"})],
        "k": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "rng": ["random_state"],
        "flag": ["boolean"],
        "func": ["callable", None],
        "X": ["array-like"],
    }
)
def lewis_weights(X, *, p, kind="iid", k=None, rng=None, flag=False, func=None):
    return p


def test_decorator_accepts_valid_parameters():
    assert lewis_weights([[1.0]], p=2.5, kind="dpp", k=3, rng=np.random.default_rng(0)) == 2.5
    assert lewis_weights(np.zeros((2, 2)), p=1, flag=True, func=print) == 1


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"p": 0.5},
            r"^The 'p' parameter of lewis_weights must be a float in the range \[1, inf\)\. "
            r"Got 0\.5 instead\.$",
        ),
        ({"p": "2"}, r"The 'p' parameter of lewis_weights must be a float .* Got '2' instead\."),
        ({"p": float("nan")}, r"The 'p' parameter .* Got nan instead\."),
        (
            {"p": 2, "kind": "volume"},
            r"The 'kind' parameter of lewis_weights must be a str among \{'dpp', 'iid'\}\. "
            r"Got 'volume' instead\.",
        ),
        (
            {"p": 2, "k": 0},
            r"The 'k' parameter of lewis_weights must be an int in the range \[1, inf\) or None\. "
            r"Got 0 instead\.",
        ),
        ({"p": 2, "k": 2.0}, r"The 'k' parameter .* Got 2\.0 instead\."),
        ({"p": 2, "rng": -3}, r"The 'rng' parameter of lewis_weights must be an int, a numpy"),
        ({"p": 2, "flag": 1}, r"The 'flag' parameter of lewis_weights must be a bool\. Got 1"),
        ({"p": 2, "func": 3}, r"The 'func' parameter of lewis_weights must be a callable or None"),
    ],
)
def test_decorator_messages(kwargs, message):
    with pytest.raises(InvalidParameterError, match=message):
        lewis_weights([[1.0]], **kwargs)


def test_decorator_array_like_message():
    with pytest.raises(
        InvalidParameterError, match=r"The 'X' parameter of lewis_weights must be an array-like"
    ):
        lewis_weights(3.0, p=2)


def test_decorator_rejects_unknown_parameter_names_at_definition():
    with pytest.raises(ValueError, match="unknown parameters"):

        @validate_params({"q": [None]})
        def f(p):
            return p


def test_decorator_preserves_signature_and_name():
    import inspect

    assert lewis_weights.__name__ == "lewis_weights"
    assert "kind" in inspect.signature(lewis_weights).parameters


def test_bool_is_not_a_number():
    c = Interval(numbers.Real, 0, 1, closed="both")
    assert not c.is_satisfied_by(True)
    assert not Interval(numbers.Integral, 0, 1, closed="both").is_satisfied_by(False)


@pytest.mark.parametrize(
    "interval, text",
    [
        (Interval(numbers.Real, 0, 1, closed="neither"), "a float in the range (0, 1)"),
        (Interval(numbers.Real, 0, 1, closed="right"), "a float in the range (0, 1]"),
        (Interval(numbers.Integral, None, 5, closed="both"), "an int in the range (-inf, 5]"),
        (Interval(numbers.Real, 0.5, None, closed="left"), "a float in the range [0.5, inf)"),
        (Interval("real_not_int", 0, None, closed="left"), "a float in the range [0, inf)"),
    ],
)
def test_interval_descriptions(interval, text):
    assert str(interval) == text


def test_interval_rejects_bad_definition():
    with pytest.raises(ValueError, match="Interval type"):
        Interval(str, 0, 1, closed="both")
    with pytest.raises(ValueError, match="closed must be"):
        Interval(numbers.Real, 0, 1, closed="open")


@given(
    x=st.floats(allow_nan=False, allow_infinity=False, min_value=-10, max_value=10),
    lo=st.floats(min_value=-5, max_value=0),
    hi=st.floats(min_value=0, max_value=5),
    closed=st.sampled_from(["left", "right", "both", "neither"]),
)
def test_interval_membership_matches_definition(x, lo, hi, closed):
    c = Interval(numbers.Real, lo, hi, closed=closed)
    left = x >= lo if closed in ("left", "both") else x > lo
    right = x <= hi if closed in ("right", "both") else x < hi
    assert c.is_satisfied_by(x) == (left and right)


def test_real_not_int_excludes_ints():
    c = Interval("real_not_int", 0, None, closed="left")
    assert c.is_satisfied_by(1.0) and not c.is_satisfied_by(1)


def test_options_and_predicate():
    assert Options(int, {1, 2}).is_satisfied_by(2)
    assert not Options(int, {1, 2}).is_satisfied_by("2")
    odd = Predicate(lambda v: v % 2 == 1, "an odd int")
    assert odd.is_satisfied_by(3) and not odd.is_satisfied_by(2)
    assert not odd.is_satisfied_by("x")  # a predicate that raises counts as unsatisfied
    with pytest.raises(InvalidParameterError, match=r"The 'n' parameter of f must be an odd int"):
        check_param(4, [odd], name="n", caller="f")


def test_check_param_without_caller_and_array_values():
    with pytest.raises(
        InvalidParameterError,
        match=r"^The 'w' parameter must be None\. Got an array of shape \(3,\) instead\.$",
    ):
        check_param(np.zeros(3), [None], name="w")


def test_check_param_truncates_long_reprs():
    with pytest.raises(InvalidParameterError, match=r"Got 'aaaa.*\.\.\. instead"):
        check_param("a" * 200, [int], name="s")


def test_check_int_and_scalar():
    assert check_int(np.int64(4), "n", low=1) == 4
    with pytest.raises(
        InvalidParameterError, match=r"'n' parameter of g must be an int in the range \[1, 3\]"
    ):
        check_int(4, "n", low=1, high=3, caller="g")
    assert check_scalar(1, "ratio", low=0, high=1, closed="right") == 1.0
    with pytest.raises(
        InvalidParameterError, match=r"'ratio' parameter must be a float in the range \(0, 1\]"
    ):
        check_scalar(0.0, "ratio", low=0, high=1, closed="right")


class TestArrayChecks:
    def test_matrix_ok_and_contiguous(self):
        A = np.asfortranarray(np.ones((3, 2), dtype=np.float32))
        out = check_matrix(A, "A")
        assert out.dtype == np.float64 and out.flags.c_contiguous

    @pytest.mark.parametrize(
        "A, kwargs, message",
        [
            (np.ones(3), {}, r"Argument 'A' must be a 2-D array, got an array of shape \(3,\)\."),
            (
                np.ones((0, 2)),
                {},
                r"Argument 'A' must have at least 1 row\(s\), got shape \(0, 2\)",
            ),
            (np.ones((4, 1)), {"min_cols": 2}, r"Argument 'A' must have at least 2 column\(s\)"),
            (np.ones((4, 3)), {"n_cols": 2}, r"Argument 'A' must have 2 column\(s\), got shape"),
            (
                np.array([[1.0, np.inf]]),
                {},
                r"Argument 'A' contains NaN or infinite values \(1 of 2 entries\)\.",
            ),
            ([["a", "b"]], {}, r"Argument 'A' must be a numeric array convertible to float64"),
            (None, {}, r"Argument 'A' must be an array, got None\."),
            ("abc", {}, r"Argument 'A' must be a numeric array, got a string\."),
        ],
    )
    def test_matrix_errors(self, A, kwargs, message):
        with pytest.raises(InvalidParameterError, match=message):
            check_matrix(A, "A", **kwargs)

    def test_object_dtype_rejected(self):
        with pytest.raises(InvalidParameterError, match=r"got dtype object"):
            check_matrix(np.array([[object()]]), "A", dtype=None)

    def test_sparse(self):
        S = sp.random(5, 3, density=0.5, format="csc", random_state=0)
        out = check_matrix(S, "A", accept_sparse=True)
        assert sp.isspmatrix_csr(out) and out.dtype == np.float64
        with pytest.raises(InvalidParameterError, match=r"a scipy.sparse matrix is not supported"):
            check_matrix(S, "A")
        bad = S.tocsr().copy()
        bad.data[0] = np.nan
        with pytest.raises(InvalidParameterError, match=r"Argument 'A' contains NaN"):
            check_matrix(bad, "A", accept_sparse=True)

    @pytest.mark.parametrize(
        "x, kwargs, message",
        [
            (
                np.ones((2, 2)),
                {},
                r"Argument 'w' must be a 1-D array, got an array of shape \(2, 2\)",
            ),
            (np.ones(3), {"length": 4}, r"Argument 'w' must have length 4, got length 3\."),
            ([], {}, r"Argument 'w' must have at least 1 entry, got length 0\."),
            (
                [1.0, -2.0],
                {"nonnegative": True},
                r"Argument 'w' must be non-negative; entry 1 is -2\.0\.",
            ),
            ([np.nan], {}, r"Argument 'w' contains NaN or infinite values"),
        ],
    )
    def test_vector_errors(self, x, kwargs, message):
        with pytest.raises(InvalidParameterError, match=message):
            check_vector(x, "w", **kwargs)

    def test_vector_allows_nonfinite_when_asked(self):
        out = check_vector([np.inf, 1.0], "w", finite=False)
        assert np.isinf(out[0])

    def test_weights(self):
        np.testing.assert_array_equal(check_weights([0, 2.0], "w"), [0.0, 2.0])
        with pytest.raises(InvalidParameterError, match=r"'w' must have a positive sum"):
            check_weights([0.0, 0.0], "w")
        with pytest.raises(InvalidParameterError, match=r"'w' must be non-negative"):
            check_weights([1.0, -1e-3], "w")
        with pytest.raises(InvalidParameterError, match=r"'w' has a sum that overflows float64"):
            check_weights([1e308, 1e308], "w")

    def test_probabilities(self):
        with pytest.raises(
            InvalidParameterError, match=r"probabilities in \[0, 1\]; entry 0 is -0\.1"
        ):
            check_probabilities([-0.1, 0.5], "pi")
        with pytest.raises(InvalidParameterError, match=r"Argument 'pi' must sum to 1, got 0\.9"):
            check_probabilities([0.4, 0.5], "pi", sum_to_one=True)
        check_probabilities([0.5, 0.5], "pi", sum_to_one=True)

    def test_finite_passes_ints_and_returns_input(self):
        x = np.arange(3)
        assert check_finite(x, "x") is x

    def test_consistent_length(self):
        check_consistent_length(X=np.zeros((3, 2)), y=[1, 2, 3])
        with pytest.raises(InvalidParameterError, match=r"inconsistent lengths: X has 3, y has 2"):
            check_consistent_length(X=np.zeros((3, 2)), y=[1, 2])


# ---------------------------------------------------------------------------------------------
# issue 17: complex input refused, huge sizes refused before allocating
# ---------------------------------------------------------------------------------------------
def test_array_checks_refuse_complex_naming_the_argument():
    import warnings

    from samplingstats._validation import (
        check_matrix,
        check_probabilities,
        check_real_array,
        check_vector,
        check_weights,
        refuse_complex,
    )

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's ComplexWarning would mean a silent cast
        for check, value in [
            (check_matrix, np.ones((2, 2)) + 1j),
            (check_vector, [1.0, 2j]),
            (check_weights, np.array([1 + 0j, 2])),
            (check_probabilities, [0.5j]),
            (check_real_array, 1j),
            (refuse_complex, [1, 2j]),
        ]:
            with pytest.raises(TypeError, match="'arg'.*real"):
                check(value, "arg")


def test_complex_torch_tensor_refused():
    torch = pytest.importorskip("torch")
    from samplingstats._validation import refuse_complex

    with pytest.raises(TypeError, match="'t'"):
        refuse_complex(torch.ones(2, dtype=torch.complex64), "t")
    refuse_complex(torch.ones(2), "t")


def test_check_real_array_dimensions_bool_and_strings():
    from samplingstats._validation import check_real_array

    assert check_real_array([[1, 2]], "X", ndim=2).dtype == np.float64
    assert check_real_array([[1, 2]], "X", ndim=(1, 2)).shape == (1, 2)
    with pytest.raises(InvalidParameterError, match="'X' must be a 1-D or 3-D array"):
        check_real_array([[1, 2]], "X", ndim=(1, 3))
    with pytest.raises(
        InvalidParameterError, match="'X' must be a real numeric array, got dtype bool"
    ):
        check_real_array([True, False], "X", allow_bool=False)
    assert check_real_array([True, False], "X").tolist() == [1.0, 0.0]
    with pytest.raises(TypeError, match="'X'"):
        check_real_array(["a", "b"], "X")
    with pytest.raises(InvalidParameterError, match="'X' contains NaN"):
        check_real_array([1.0, np.nan], "X")
    with pytest.raises(InvalidParameterError, match="at least 1 entry"):
        check_real_array([], "X")


def test_check_size_refuses_before_allocating_with_the_memory_needed():
    from samplingstats._validation import check_size, format_bytes, memory_limit

    assert check_size(5, "n_samples") == 5
    assert check_size(np.int64(0), "n_samples", low=0) == 0
    with pytest.raises(InvalidParameterError, match=r"'n_walkers' parameter of f asks for .*EiB"):
        check_size(10**18, "n_walkers", bytes_per_item=8, caller="f")
    for bad in (True, 2.0, "3", None, -1, np.nan):
        with pytest.raises(InvalidParameterError, match="'n_samples'"):
            check_size(bad, "n_samples")
    assert memory_limit() >= 2**20
    assert format_bytes(3 * 2**30) == "3 GiB"
