"""``tf.debugging``: TF1's ``tf.compat.v1.debugging`` names of the checks graphflow has
(each is the same function as the top-level one of that name)."""

from . import errors as _errors
from . import tf1_names as _tf1_names
from .ops.check_ops import (  # noqa: F401
    assert_equal,
    assert_greater,
    assert_greater_equal,
    assert_integer,
    assert_less,
    assert_less_equal,
    assert_near,
    assert_negative,
    assert_non_negative,
    assert_non_positive,
    assert_none_equal,
    assert_positive,
    assert_rank,
    assert_rank_at_least,
    assert_scalar,
    assert_type,
)
from .ops.logging_ops import Assert  # noqa: F401
from .ops.numerics import (  # noqa: F401
    check_numerics,
    is_finite,
    is_inf,
    is_nan,
)
from .ops.numerics import verify_tensor_all_finite as assert_all_finite  # noqa: F401

_errors.wrap_public(globals())

__getattr__ = _tf1_names.module_getattr("tf.debugging", __name__)  # a TF1 name we lack
