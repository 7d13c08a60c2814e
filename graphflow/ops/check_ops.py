"""TF1's ``tf.debugging.assert_*`` (and the top-level ``tf.assert_*``): ops made of
``Assert`` that fail the run when a condition on values does not hold.

As in TF1, what can be decided while the graph is built is: ``assert_equal(x, y)`` of
two constants that differ raises InvalidArgumentError at once (the data's lines), a wrong
static rank a ValueError, a wrong dtype a TypeError; only the rest waits for the run.
"""

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor, name_scope
from .base import static_value
from .control import no_op
from .elementwise import abs as abs_
from .elementwise import equal, greater, greater_equal, less, less_equal, not_equal
from .logging_ops import Assert
from .reduce import reduce_all
from .shape_ops import rank as rank_of
from .shape_ops import shape as shape_of
from .sources import convert_to_tensor


def _static_text(item):
    """A data item as TF1's build-time error writes it: a constant's value, else the item."""
    if isinstance(item, Tensor):
        value = static_value(item)
        return str(item) if value is None else str(value)
    return str(item)


def _assert_static(holds, data):
    if not holds:
        raise errors.InvalidArgumentError("\n".join(_static_text(d) for d in data))


def _binary(sym, opname, test, static_test, x, y, data, summarize, message, name):
    if x is y and sym == "==":  # TF1's short cut: a tensor equals itself
        return no_op(name=name or opname)
    with name_scope(name, opname):
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, dtype=x.dtype, name="y")
        if data is None:
            data = [f"Condition x {sym} y did not hold element-wise:",
                    f"x ({x.name}) = ", x, f"y ({y.name}) = ", y]
        if message is not None:
            data = [message] + list(data)
        condition = reduce_all(test(x, y))
        x_static, y_static = static_value(x), static_value(y)
        if x_static is not None and y_static is not None:
            _assert_static(bool(np.all(static_test(x_static, y_static))), data)
        return Assert(condition, data, summarize=summarize)


def _binary_assert(sym, opname, test, static_test):
    def fn(x, y, data=None, summarize=None, message=None, name=None):
        return _binary(sym, opname, test, static_test, x, y, data, summarize, message, name)

    fn.__name__ = opname
    fn.__doc__ = (f"An Assert op that fails the run unless ``x {sym} y`` holds for every "
                  "(broadcast) element; raises InvalidArgumentError at once when both are "
                  "constants and it does not.")
    return fn


assert_equal = _binary_assert("==", "assert_equal", equal, np.equal)
assert_none_equal = _binary_assert("!=", "assert_none_equal", not_equal, np.not_equal)
assert_less = _binary_assert("<", "assert_less", less, np.less)
assert_less_equal = _binary_assert("<=", "assert_less_equal", less_equal, np.less_equal)
assert_greater = _binary_assert(">", "assert_greater", greater, np.greater)
assert_greater_equal = _binary_assert(">=", "assert_greater_equal", greater_equal,
                                      np.greater_equal)


def _signed(sym, opname, zero_first, compare):
    def fn(x, data=None, summarize=None, message=None, name=None):
        with name_scope(name, opname):
            x = convert_to_tensor(x, name="x")
            if data is None:
                data = [message or "", f"Condition x {sym} 0 did not hold element-wise:",
                        f"x ({x.name}) = ", x]
            zero = convert_to_tensor(0, dtype=x.dtype)
            a, b = (zero, x) if zero_first else (x, zero)
            return compare(a, b, data=data, summarize=summarize)

    fn.__name__ = opname
    fn.__doc__ = f"An Assert op that fails the run unless ``x {sym} 0`` element-wise."
    return fn


assert_positive = _signed(">", "assert_positive", True, assert_less)
assert_negative = _signed("<", "assert_negative", False, assert_less)
assert_non_negative = _signed(">=", "assert_non_negative", True, assert_less_equal)
assert_non_positive = _signed("<=", "assert_non_positive", False, assert_less_equal)


def assert_near(x, y, rtol=None, atol=None, data=None, summarize=None, message=None,
                name=None):
    """An Assert op that fails the run unless ``|x - y| < atol + rtol * |y|`` element-wise
    (both tolerances ``10 * eps`` of x's dtype by default)."""
    with name_scope(name, "assert_near"):
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, dtype=x.dtype, name="y")
        eps = np.finfo(x.dtype.np).eps
        rtol = convert_to_tensor(10 * eps if rtol is None else rtol, x.dtype, name="rtol")
        atol = convert_to_tensor(10 * eps if atol is None else atol, x.dtype, name="atol")
        if data is None:
            data = [message or "",
                    f"x and y not equal to tolerance rtol = {rtol}, atol = {atol}",
                    f"x ({x.name}) = ", x, f"y ({y.name}) = ", y]
        condition = reduce_all(less(abs_(x - y), atol + rtol * abs_(y)))
        return Assert(condition, data, summarize=summarize)


def _rank(opname, words, static_test, test, x, rank, data, summarize, message, name):
    with name_scope(name, opname):
        x = convert_to_tensor(x, name="x")
        rank = convert_to_tensor(rank, name="rank")
        if rank.dtype != dtypes.int32:
            raise errors.at_user_line(
                errors.DTypeError, f"{opname}'s rank must be int32, not {rank.dtype.name}")
        message = message or ""
        if data is None:
            data = [message, f"Tensor {x.name} must have {words}", rank, "Received shape: ",
                    shape_of(x)]
        given = static_value(rank)
        if given is not None:
            if given.ndim != 0:
                raise errors.at_user_line(errors.InvalidArgumentError, "Rank must be a scalar.")
            actual = x.shape.ndims
            if actual is not None:
                if not static_test(actual, int(given)):
                    raise errors.at_user_line(
                        errors.InvalidArgumentError,
                        f"{message}.  Tensor {x.name} must have {words} {int(given)}.  "
                        f"Received rank {actual}, shape {x.shape}")
                return no_op(name="static_checks_determined_all_ok")
        return Assert(test(rank_of(x), rank), data, summarize=summarize)


def assert_rank(x, rank, data=None, summarize=None, message=None, name=None):
    """Checks ``rank(x) == rank``: at once (ValueError) when both are known statically,
    else an Assert op."""
    return _rank("assert_rank", "rank", lambda a, b: a == b, equal, x, rank, data,
                 summarize, message, name)


def assert_rank_at_least(x, rank, data=None, summarize=None, message=None, name=None):
    """Checks ``rank(x) >= rank``: at once (ValueError) when both are known statically,
    else an Assert op."""
    return _rank("assert_rank_at_least", "rank at least", lambda a, b: a >= b,
                 greater_equal, x, rank, data, summarize, message, name)


def assert_type(tensor, tf_type, message=None, name=None):
    """Raises TypeError at once unless ``tensor``'s dtype is ``tf_type``; else a no_op."""
    with name_scope(name, "assert_type"):
        tensor = convert_to_tensor(tensor, name="tensor")
        tf_type = dtypes.as_dtype(tf_type)
        if tensor.dtype != tf_type:
            raise errors.at_user_line(
                errors.DTypeError,
                f"{message or ''}  {tensor.name} must be of type <dtype: '{tf_type.name}'>")
        return no_op(name="statically_determined_correct_type")


def assert_integer(x, message=None, name=None):
    """Raises TypeError at once unless ``x`` is of an integer dtype; else a no_op."""
    with name_scope(name, "assert_integer"):
        x = convert_to_tensor(x, name="x")
        if not x.dtype.is_integer:
            raise errors.at_user_line(
                errors.DTypeError, f'{message or ""}  Expected "x" to be integer type.  '
                f"Found: {x.name} of dtype <dtype: '{x.dtype.name}'>")
        return no_op(name="statically_determined_was_integer")


def assert_scalar(tensor, name=None, message=None):
    """``tensor`` itself if its static shape is a scalar's; raises ValueError at once if
    not (also when its rank is unknown, as TF1)."""
    with name_scope(name, "assert_scalar") as scope:
        tensor = convert_to_tensor(tensor, name=scope)
        if tensor.shape.ndims != 0:
            raise errors.at_user_line(
                errors.InvalidArgumentError, f"{message or ''}Expected scalar shape for "
                f"{tensor.name}, saw shape: {tensor.shape}.")
        return tensor
