"""``tf.random``: TF1's ``tf.compat.v1.random`` names of the random ops graphflow has (every
one follows TF1's graph-seed / op-seed rules; see ``graphflow/ops/random.py``)."""

from . import errors as _errors
from . import tf1_names as _tf1_names
from .ops.candidates import log_uniform_candidate_sampler, uniform_candidate_sampler  # noqa: F401
from .ops.random import (  # noqa: F401
    categorical,
    get_seed,
    multinomial,
    set_random_seed,
    truncated_normal,
)
from .ops.random import random_normal as normal  # noqa: F401
from .ops.random import random_shuffle as shuffle  # noqa: F401
from .ops.random import random_uniform as uniform  # noqa: F401

_errors.wrap_public(globals())

__getattr__ = _tf1_names.module_getattr("tf.random", __name__)  # a TF1 name we lack: say so
