"""``tf.contrib.layers``: ``fully_connected``, ``flatten``, ``xavier_initializer``,
``variance_scaling_initializer`` and ``l2_regularizer`` with TF1 contrib's semantics
(``fully_connected`` defaults to relu and xavier weights; its variables are
``fully_connected/weights`` and ``fully_connected/biases``)."""

import math
import numbers

from .. import dtypes, errors, layers, tf1_names
from ..graph import get_default_graph, name_scope
from ..initializers import Initializer, Zeros, compute_fans
from ..nn import ops as nn
from ..ops import elementwise as ew
from ..ops import random as _random
from ..ops.linalg import matmul
from ..ops.movement import concat, reshape
from ..ops.shape_ops import shape
from ..ops.sources import convert_to_tensor
from ..variable_scope import get_variable, variable_scope

MODEL_VARIABLES = "model_variables"  # TF1's GraphKeys.MODEL_VARIABLES
_ZEROS = Zeros()  # initializers hold no state


class VarianceScaling(Initializer):
    """contrib's variance scaling: ``n`` the fan-in, fan-out or their mean (``mode``
    ``FAN_IN``, ``FAN_OUT``, ``FAN_AVG``); uniform in ``±sqrt(3 * factor / n)``, else a
    normal truncated at two stddevs with stddev ``sqrt(1.3 * factor / n)``."""

    def __init__(self, factor=2.0, mode="FAN_IN", uniform=False, seed=None,
                 dtype=dtypes.float32):
        if mode not in ("FAN_IN", "FAN_OUT", "FAN_AVG"):
            raise errors.at_user_line(errors.InvalidArgumentError,
                                      f"Unknown mode {mode} [FAN_IN, FAN_OUT, FAN_AVG]")
        self.factor, self.mode, self.uniform, self.seed = factor, mode, uniform, seed
        self.dtype = _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = _float_dtype(dtype if dtype is not None else self.dtype)
        fan_in, fan_out = compute_fans(shape)
        n = {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2.0}
        scale = self.factor / float(n[self.mode])
        if self.uniform:
            limit = math.sqrt(3.0 * scale)
            return _random.random_uniform(shape, -limit, limit, dtype, seed=self.seed)
        return _random.truncated_normal(shape, 0.0, math.sqrt(1.3 * scale), dtype,
                                        seed=self.seed)

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode, "uniform": self.uniform,
                "seed": self.seed, "dtype": self.dtype.name}


def _float_dtype(dtype):
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise errors.at_user_line(errors.DTypeError, "Cannot create initializer for "
                                  f"non-floating point type {dtype.name}.")
    return dtype


def variance_scaling_initializer(factor=2.0, mode="FAN_IN", uniform=False, seed=None,
                                 dtype=dtypes.float32):
    """contrib's He-style initializer (see ``VarianceScaling``)."""
    return VarianceScaling(factor, mode, uniform, seed, dtype)


def xavier_initializer(uniform=True, seed=None, dtype=dtypes.float32):
    """Glorot's initializer: ``variance_scaling_initializer(1.0, "FAN_AVG", uniform)``."""
    return VarianceScaling(1.0, "FAN_AVG", uniform, seed, dtype)



def l2_regularizer(scale, scope=None):
    """A regularizer ``scale * l2_loss(weights)`` (``scale`` a float or a scalar tensor;
    the float 0 gives one that adds nothing)."""
    if isinstance(scale, numbers.Integral):
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  f"scale cannot be an integer: {scale!r}")
    if isinstance(scale, numbers.Real):  # (a tensor is taken as it is)
        if scale < 0.0:
            raise errors.at_user_line(errors.InvalidArgumentError, "Setting a scale less "
                                      f"than 0 on a regularizer: {scale}.")
        if scale == 0.0:
            return lambda weights: None

    def l2(weights):
        with name_scope(scope, "l2_regularizer") as name:
            factor = convert_to_tensor(scale, weights.dtype, name="scale")
            return ew.multiply(factor, nn.l2_loss(weights), name=name)

    return l2


def flatten(inputs, outputs_collections=None, scope=None):
    """``[batch, ...]`` -> ``[batch, everything else]``, in name scope ``Flatten``."""
    with name_scope(scope, "Flatten"):
        out = layers.flatten(inputs)
    _collect(outputs_collections, out)
    return out


def _collect(collections, tensor):
    graph = get_default_graph()
    for key in [collections] if isinstance(collections, str) else collections or ():
        graph.add_to_collection(key, tensor)


def fully_connected(inputs, num_outputs, activation_fn=nn.relu, normalizer_fn=None,
                    normalizer_params=None, weights_initializer=None,
                    weights_regularizer=None, biases_initializer=_ZEROS,
                    biases_regularizer=None, reuse=None, variables_collections=None,
                    outputs_collections=None, trainable=True, scope=None):
    """``activation_fn(inputs @ weights + biases)`` in variable scope ``scope`` (default
    ``fully_connected``, made unique). Inputs of rank > 2 contract their last axis.
    ``weights_initializer`` None: ``xavier_initializer()``. With a ``normalizer_fn`` (or
    ``biases_initializer=None``) there are no biases; the normalizer gets the product."""
    x = convert_to_tensor(inputs, name="inputs")
    if not isinstance(num_outputs, numbers.Integral) or num_outputs < 1:
        raise errors.at_user_line(errors.InvalidArgumentError, "num_outputs should be int or "
                                  f"long, got {num_outputs!r}.")
    depth = x.shape[-1] if x.shape.ndims else None
    if depth is None or x.shape.ndims < 2:
        raise errors.at_user_line(errors.ShapeError, "fully_connected needs inputs of rank "
                                  f">= 2 with a known last dimension, got {errors.describe(x)}")
    if weights_initializer is None:
        weights_initializer = xavier_initializer()
    with variable_scope(scope, default_name="fully_connected", values=[x], reuse=reuse):
        weights = _model_variable("weights", [depth, int(num_outputs)], x.dtype,
                                  weights_initializer, weights_regularizer, trainable,
                                  variables_collections)
        y = matmul(x, weights) if x.shape.ndims == 2 else _contract_last(x, weights)
        if normalizer_fn is None and biases_initializer is not None:
            biases = _model_variable("biases", [int(num_outputs)], x.dtype, biases_initializer,
                                     biases_regularizer, trainable, variables_collections)
            y = nn.bias_add(y, biases)
        if normalizer_fn is not None:
            y = normalizer_fn(y, **(normalizer_params or {}))
        if activation_fn is not None:
            y = activation_fn(y)
    _collect(outputs_collections, y)
    return y


def _model_variable(name, shape_, dtype, initializer, regularizer, trainable, collections):
    """A variable that is also in MODEL_VARIABLES and ``collections`` (a list, or a dict
    from ``"weights"``/``"biases"`` to a list, as contrib's)."""
    var = get_variable(name, shape_, dtype, initializer, regularizer, trainable)
    if isinstance(collections, dict):
        collections = collections.get(name)
    graph = get_default_graph()
    for key in [MODEL_VARIABLES] + ([collections] if isinstance(collections, str) else
                                    list(collections or [])):
        if all(var is not v for v in graph.get_collection(key)):
            graph.add_to_collection(key, var)
    return var


def _contract_last(x, weights):
    """``x`` [..., depth] times ``weights`` [depth, units]: one matmul over the leading axes."""
    units = weights.shape[1]
    with name_scope("Tensordot"):
        y = reshape(matmul(reshape(x, [-1, weights.shape[0]]), weights),
                    concat([shape(x)[:-1], [units]], 0))
    y.set_shape(x.shape[:-1].concatenate([units]))
    return y


errors.wrap_public(globals())
xavier_initializer_conv2d = xavier_initializer  # one function under both names (TF1)

__getattr__ = tf1_names.module_getattr("tf.contrib.layers", __name__)  # a TF1 name we lack
