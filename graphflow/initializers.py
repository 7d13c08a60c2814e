"""Initializers (TF1's ``tf.zeros_initializer``, ``tf.glorot_uniform_initializer``...).

An initializer is an object called as ``init(shape, dtype=None, partition_info=None)``
that builds the tensor of a variable's initial value from graphflow's own ops, so the
random ones follow TF1's seeding (graph seed + op seed).
"""

import math

import numpy as np

from . import dtypes, errors, tf1_names
from .ops import random as _random
from .ops import sources as _sources
from .ops import state as _state

# stddev of the standard normal truncated to [-2, 2]: dividing by it makes a truncated
# normal keep the variance asked for.
_TRUNCATED_STDDEV = 0.87962566103423978


class Initializer:
    """Base class: subclasses build the value in ``__call__``."""

    def __call__(self, shape, dtype=None, partition_info=None):
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _float_dtype(dtype, default):
    dtype = dtypes.as_dtype(dtype if dtype is not None else default)
    if not dtype.is_floating:
        raise errors.at_user_line(
            errors.DTypeError, f"Expected floating point type, got {dtype.name}.")
    return dtype


class Zeros(Initializer):
    """All zeros."""

    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return _sources.zeros(shape, dtype if dtype is not None else self.dtype)

    def get_config(self):
        return {"dtype": self.dtype.name}


class Ones(Zeros):
    """All ones."""

    def __call__(self, shape, dtype=None, partition_info=None):
        return _sources.ones(shape, dtype if dtype is not None else self.dtype)


class Constant(Initializer):
    """``value`` (a scalar is repeated; an array must have the variable's size)."""

    def __init__(self, value=0, dtype=dtypes.float32, verify_shape=False):
        self.value = value
        self.dtype = dtypes.as_dtype(dtype)
        self.verify_shape = verify_shape

    def __call__(self, shape, dtype=None, partition_info=None, verify_shape=None):
        verify = self.verify_shape if verify_shape is None else verify_shape
        if verify and tuple(np.shape(self.value)) != tuple(shape):
            raise errors.at_user_line(
                errors.ShapeError, f"Expected Tensor's shape: {tuple(shape)}, got "
                f"{tuple(np.shape(self.value))}.")
        return _sources.constant(self.value, dtype if dtype is not None else self.dtype,
                                 shape=shape)

    def get_config(self):
        return {"value": self.value, "dtype": self.dtype.name, "verify_shape": self.verify_shape}


class RandomNormal(Initializer):
    """Normal samples with ``mean`` and ``stddev``."""

    def __init__(self, mean=0.0, stddev=1.0, seed=None, dtype=dtypes.float32):
        self.mean, self.stddev, self.seed = mean, stddev, seed
        self.dtype = _float_dtype(dtype, None)

    def __call__(self, shape, dtype=None, partition_info=None):
        return _random.random_normal(shape, self.mean, self.stddev,
                                     _float_dtype(dtype, self.dtype), seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed,
                "dtype": self.dtype.name}


class TruncatedNormal(RandomNormal):
    """Normal samples, redrawn beyond two standard deviations from the mean."""

    def __call__(self, shape, dtype=None, partition_info=None):
        return _random.truncated_normal(shape, self.mean, self.stddev,
                                        _float_dtype(dtype, self.dtype), seed=self.seed)


class RandomUniform(Initializer):
    """Uniform samples in ``[minval, maxval)`` (``maxval`` defaults to 1 for floats)."""

    def __init__(self, minval=0, maxval=None, seed=None, dtype=dtypes.float32):
        self.minval, self.maxval, self.seed = minval, maxval, seed
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return _random.random_uniform(shape, self.minval, self.maxval,
                                      dtype if dtype is not None else self.dtype, seed=self.seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed,
                "dtype": self.dtype.name}


def compute_fans(shape):
    """``(fan_in, fan_out)`` of a weight shape; a conv kernel ``[h, w, in, out]`` counts
    its receptive field: ``fan_in = h * w * in``, ``fan_out = h * w * out``."""
    shape = [int(d) for d in shape]
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


class VarianceScaling(Initializer):
    """Samples with variance ``scale / n``, n the fan-in, fan-out or their mean (``mode``).

    ``distribution``: "truncated_normal" (or its old name "normal"; the stddev is
    corrected for the truncation), "untruncated_normal", or "uniform" in
    ``[-sqrt(3 * scale / n), sqrt(3 * scale / n)]``.
    """

    _DISTRIBUTIONS = ("normal", "uniform", "truncated_normal", "untruncated_normal")

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 dtype=dtypes.float32):
        if scale <= 0.0:
            raise errors.at_user_line(errors.InvalidArgumentError,
                                      "`scale` must be positive float.")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise errors.at_user_line(errors.InvalidArgumentError,
                                      f"Invalid `mode` argument: {mode}")
        distribution = distribution.lower()
        if distribution not in self._DISTRIBUTIONS:
            raise errors.at_user_line(errors.InvalidArgumentError,
                                      f"Invalid `distribution` argument: {distribution}")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed
        self.dtype = _float_dtype(dtype, None)

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = _float_dtype(dtype, self.dtype)
        full_shape = getattr(partition_info, "full_shape", None) or shape
        fan_in, fan_out = compute_fans(full_shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}
        scale = self.scale / max(1.0, n[self.mode])
        if self.distribution in ("normal", "truncated_normal"):
            return _random.truncated_normal(shape, 0.0, math.sqrt(scale) / _TRUNCATED_STDDEV,
                                            dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return _random.random_normal(shape, 0.0, math.sqrt(scale), dtype, seed=self.seed)
        limit = math.sqrt(3.0 * scale)
        return _random.random_uniform(shape, -limit, limit, dtype, seed=self.seed)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed, "dtype": self.dtype.name}


class GlorotUniform(VarianceScaling):
    """Uniform in ``[-limit, limit]``, ``limit = sqrt(6 / (fan_in + fan_out))``."""

    def __init__(self, seed=None, dtype=dtypes.float32):
        super().__init__(1.0, "fan_avg", "uniform", seed, dtype)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


class GlorotNormal(VarianceScaling):
    """Truncated normal with stddev ``sqrt(2 / (fan_in + fan_out))``."""

    def __init__(self, seed=None, dtype=dtypes.float32):
        super().__init__(1.0, "fan_avg", "truncated_normal", seed, dtype)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


def _scaling(scale, mode, distribution, doc):
    def make(seed=None):
        return VarianceScaling(scale, mode, distribution, seed)

    make.__doc__ = doc
    return make


he_normal = _scaling(2.0, "fan_in", "truncated_normal", "VarianceScaling(2, fan_in, normal).")
he_uniform = _scaling(2.0, "fan_in", "uniform", "VarianceScaling(2, fan_in, uniform).")
lecun_normal = _scaling(1.0, "fan_in", "truncated_normal", "VarianceScaling(1, fan_in, normal).")
lecun_uniform = _scaling(1.0, "fan_in", "uniform", "VarianceScaling(1, fan_in, uniform).")

# TF1's top-level names (``tf.zeros_initializer()``) and ``tf.initializers.*`` names.
zeros_initializer = zeros = Zeros
ones_initializer = ones = Ones
constant_initializer = constant = Constant
random_normal_initializer = random_normal = RandomNormal
random_uniform_initializer = random_uniform = RandomUniform
truncated_normal_initializer = truncated_normal = TruncatedNormal
variance_scaling_initializer = variance_scaling = VarianceScaling
glorot_uniform_initializer = glorot_uniform = GlorotUniform
glorot_normal_initializer = glorot_normal = GlorotNormal
global_variables = _state.global_variables_initializer
local_variables = _state.local_variables_initializer
variables = _state.variables_initializer

errors.wrap_public(globals())

__getattr__ = tf1_names.module_getattr("tf.initializers", __name__)  # a TF1 name we lack: say so
