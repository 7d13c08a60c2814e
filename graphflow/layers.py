"""``gf.layers``: TF1's functional layers (``tf.layers.dense``, ``conv2d``, ...) and their
class forms (``tf.layers.Dense``, ...), which share their variables across calls.

Each call makes its variables with ``get_variable`` in a variable scope named like TF1's:
``dense``, ``dense_1``... when ``name`` is None, exactly ``name`` otherwise; ``reuse=True``
shares the variables of an earlier call with the same scope.  The ops go in the name
scope that this variable scope first opened.  Everything is composed from ``gf.nn``
and primitive ops, so autodiff and fusion need nothing special.
"""

import contextlib
import inspect
import numbers

from . import dtypes, errors, nn, tf1_names
from .graph import GraphKeys, Tensor, get_default_graph
from .initializers import Ones, Zeros
from .ops import elementwise as ew
from .ops.linalg import matmul
from .ops.movement import concat, expand_dims, reshape, stack, transpose
from .ops.shape_ops import shape as shape_of
from .ops.shape_ops import size
from .ops.sources import convert_to_tensor
from .ops.state import assign_sub
from .variable_scope import get_variable, variable_scope

_ZEROS, _ONES = Zeros(), Ones()  # TF1's defaults; initializers hold no state


@contextlib.contextmanager
def _layer_scope(name, default_name, reuse):
    """TF1's scoping of a legacy layer: capture a variable scope (``name``, or
    ``default_name`` made unique), then build inside it and its original name scope."""
    if name is not None:
        captured = variable_scope(name)
    elif reuse:
        captured = variable_scope(default_name)
    else:
        captured = variable_scope(None, default_name=default_name)
    with captured as scope:
        pass
    graph = get_default_graph()
    with variable_scope(scope, reuse=reuse or None, auxiliary_name_scope=False), \
            graph.name_scope(scope.original_name_scope):
        yield scope


def _not_supported(**options):
    for option, value in options.items():
        if value is not None:
            raise errors.at_user_line(
                errors.UnimplementedError, f"gf.layers does not support {option} yet")


def _float_input(inputs, layer):
    x = convert_to_tensor(inputs)
    if not x.dtype.is_floating:
        raise errors.at_user_line(
            errors.DTypeError, f"{layer} needs floating-point inputs, got {errors.describe(x)}")
    return x


def _tuple(value, n, what):
    values = (value,) * n if isinstance(value, numbers.Integral) else value
    try:
        values = tuple(values)
        ok = len(values) == n and all(isinstance(v, numbers.Integral) and v >= 1
                                      for v in values)
    except TypeError:  # not iterable
        ok = False
    if not ok:
        raise errors.at_user_line(
            errors.InvalidArgumentError, f"The `{what}` argument must be a tuple of {n} "
            f"positive integers. Received: {value!r}")
    return tuple(int(v) for v in values)


def _units(units):
    if not isinstance(units, numbers.Integral) or units < 1:
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  f"units must be a positive integer, got {units!r}")
    return int(units)


def _padding(padding):
    if not isinstance(padding, str):
        raise errors.at_user_line(
            errors.InvalidArgumentError, f"padding must be 'valid' or 'same', got {padding!r}")
    padding = padding.upper()
    if padding not in ("VALID", "SAME"):
        raise errors.at_user_line(
            errors.InvalidArgumentError, f"padding must be 'valid' or 'same', got {padding!r}")
    return padding


def _channels_first(data_format):
    if data_format not in ("channels_last", "channels_first"):
        raise errors.at_user_line(
            errors.InvalidArgumentError, "The `data_format` argument must be one of "
            f"'channels_first', 'channels_last'. Received: {data_format}")
    return data_format == "channels_first"


def _known_dim(x, axis, what):
    dim = x.shape[axis] if x.shape.ndims is not None else None
    if dim is None:
        raise errors.at_user_line(
            errors.ShapeError, f"The {what} dimension of the inputs should be defined. "
            f"Found `None` in {errors.describe(x)}.")
    return dim


def _finish(y, use_bias, bias, activation, data_format=None):
    if use_bias:
        y = nn.bias_add(y, bias, data_format=data_format)
    return activation(y) if activation is not None else y


def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
          bias_initializer=_ZEROS, kernel_regularizer=None, bias_regularizer=None,
          activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
          trainable=True, name=None, reuse=None):
    """``activation(inputs @ kernel + bias)``; inputs of rank > 2 contract their last axis.
    Variables ``<scope>/kernel`` ``[in, units]`` and ``<scope>/bias`` ``[units]``."""
    _not_supported(activity_regularizer=activity_regularizer,
                   kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)
    x = _float_input(inputs, "dense")
    if x.shape.ndims is not None and x.shape.ndims < 2:
        raise errors.at_user_line(
            errors.ShapeError, f"Input 0 of layer dense is incompatible with the layer: "
            f"expected min_ndim=2, found ndim={x.shape.ndims} ({errors.describe(x)})")
    units = _units(units)
    depth = _known_dim(x, -1, "last")
    with _layer_scope(name, "dense", reuse):
        kernel = get_variable("kernel", [depth, int(units)], x.dtype, kernel_initializer,
                              kernel_regularizer, trainable)
        bias = get_variable("bias", [int(units)], x.dtype, bias_initializer, bias_regularizer,
                            trainable) if use_bias else None
        y = matmul(x, kernel) if x.shape.ndims == 2 else _tensordot_last(x, kernel, units)
        return _finish(y, use_bias, bias, activation)


def _tensordot_last(x, kernel, units):
    """``x`` contracted on its last axis with the matrix ``kernel``: one matmul over the
    flattened leading axes."""
    with get_default_graph().name_scope("Tensordot"):
        flat = reshape(x, [-1, kernel.shape[0]])
        out_shape = concat([shape_of(x)[:-1], [int(units)]], 0)
        y = reshape(matmul(flat, kernel), out_shape)
    y.set_shape(x.shape.as_list()[:-1] + [int(units)] if x.shape.ndims else None)
    return y


def flatten(inputs, name=None, data_format="channels_last"):
    """``[batch, ...]`` -> ``[batch, everything else]``."""
    x = convert_to_tensor(inputs)
    with _layer_scope(name, "flatten", None):
        if x.shape.ndims == 1:
            return expand_dims(x, 1)
        if _channels_first(data_format) and x.shape.ndims and x.shape.ndims > 2:
            x = transpose(x, [0] + list(range(2, x.shape.ndims)) + [1])
        rest = x.shape[1:].num_elements() if x.shape.ndims is not None else None
        if rest is not None:
            return reshape(x, [-1, rest])
        if x.shape.ndims is not None and x.shape[0] is not None:
            return reshape(x, [x.shape[0], -1])
        return reshape(x, stack([shape_of(x)[0], -1]))  # rank 2 even if x's is unknown


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """``nn.dropout(inputs, rate)`` when ``training`` (a bool, or a bool tensor chosen at
    run time), else ``inputs`` unchanged."""
    x = convert_to_tensor(inputs)
    with _layer_scope(name, "dropout", None):
        if not isinstance(training, Tensor):
            if not training:
                return ew.identity(x)
            return nn.dropout(x, noise_shape=noise_shape, seed=seed, rate=rate)
        if isinstance(rate, (int, float)) and rate == 0:
            return ew.identity(x)  # (TF1's Dropout layer: no switch for rate 0)
        from .ops.cond import cond
        return cond(_bool(training),
                    lambda: nn.dropout(x, noise_shape=noise_shape, seed=seed, rate=rate),
                    lambda: ew.identity(x))


def _bool(training):
    if training.dtype != dtypes.bool_:
        raise errors.at_user_line(
            errors.DTypeError, f"training must be a bool or a bool tensor, got "
            f"{errors.describe(training)}")
    if training.shape.ndims is None:  # tf.placeholder(tf.bool): a scalar, as TF1's cond
        return reshape(training, [])  # needs, so the switch keeps the inputs' shape
    return training


def conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
           data_format="channels_last", dilation_rate=(1, 1), activation=None, use_bias=True,
           kernel_initializer=None, bias_initializer=_ZEROS, kernel_regularizer=None,
           bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
           bias_constraint=None, trainable=True, name=None, reuse=None):
    """2-D convolution with a ``kernel_size + (in_channels, filters)`` kernel, then bias
    and activation. ``padding``: "valid" or "same"."""
    _not_supported(activity_regularizer=activity_regularizer,
                   kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)
    x = _float_input(inputs, "conv2d")
    first = _channels_first(data_format)
    if x.shape.ndims != 4:
        raise errors.at_user_line(
            errors.ShapeError, f"conv2d needs 4-D inputs, got {errors.describe(x)}")
    channels = _known_dim(x, 1 if first else -1, "channel")
    kernel_size = _tuple(kernel_size, 2, "kernel_size")
    strides = _tuple(strides, 2, "strides")
    dilations = _tuple(dilation_rate, 2, "dilation_rate")
    with _layer_scope(name, "conv2d", reuse):
        kernel = get_variable("kernel", list(kernel_size) + [channels, int(filters)], x.dtype,
                              kernel_initializer, kernel_regularizer, trainable)
        bias = get_variable("bias", [int(filters)], x.dtype, bias_initializer,
                            bias_regularizer, trainable) if use_bias else None
        y = nn.conv2d(_to_nhwc(x, first), kernel, strides=[1, *strides, 1],
                      padding=_padding(padding), dilations=[1, *dilations, 1])
        y = _from_nhwc(y, first)
        return _finish(y, use_bias, bias, activation, "NCHW" if first else "NHWC")


# graphflow's conv and pool kernels are NHWC (as TF1's CPU kernels); channels_first
# layers transpose around them.
def _to_nhwc(x, channels_first):
    return transpose(x, [0, 2, 3, 1]) if channels_first else x


def _from_nhwc(y, channels_first):
    return transpose(y, [0, 3, 1, 2]) if channels_first else y


def _pooling(pool, default_name, inputs, pool_size, strides, padding, data_format, name):
    x = convert_to_tensor(inputs)
    first = _channels_first(data_format)
    pool_size = _tuple(pool_size, 2, "pool_size")
    strides = _tuple(strides, 2, "strides")
    with _layer_scope(name, default_name, None):
        y = pool(_to_nhwc(x, first), ksize=[1, *pool_size, 1], strides=[1, *strides, 1],
                 padding=_padding(padding))
        return _from_nhwc(y, first)


def max_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                  name=None):
    """The maximum of each ``pool_size`` window, windows ``strides`` apart."""
    return _pooling(nn.max_pool, "max_pooling2d", inputs, pool_size, strides, padding,
                    data_format, name)


def average_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                      name=None):
    """The mean of each ``pool_size`` window (with "same", of its non-pad elements)."""
    return _pooling(nn.avg_pool, "average_pooling2d", inputs, pool_size, strides, padding,
                    data_format, name)


def batch_normalization(inputs, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                        beta_initializer=_ZEROS, gamma_initializer=_ONES,
                        moving_mean_initializer=_ZEROS, moving_variance_initializer=_ONES,
                        beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                        gamma_constraint=None, training=False, trainable=True, name=None,
                        reuse=None, renorm=False, renorm_clipping=None, renorm_momentum=0.99,
                        fused=None, virtual_batch_size=None, adjustment=None):
    """Normalize over every axis but ``axis`` and apply ``gamma``/``beta``.

    Training (``training`` True, or a bool tensor that is true) uses the batch's moments
    and puts two ops in ``UPDATE_OPS`` that move ``moving_mean``/``moving_variance``
    toward them (``moving -= (moving - batch) * (1 - momentum)``); inference uses the
    moving statistics. As TF1's fused kernel does for float32 4-D and 5-D inputs
    normalized on axis 1 or the last, the moving variance is fed the unbiased batch variance.
    """
    _not_supported(beta_constraint=beta_constraint, gamma_constraint=gamma_constraint,
                   renorm_clipping=renorm_clipping, virtual_batch_size=virtual_batch_size,
                   adjustment=adjustment, renorm=renorm or None)
    x = _float_input(inputs, "batch_normalization")
    rank = x.shape.ndims
    if rank is None:
        raise errors.at_user_line(
            errors.ShapeError, f"batch_normalization needs inputs of known rank, got "
            f"{errors.describe(x)}")
    given = [axis] if isinstance(axis, int) else list(axis)
    if any(not -rank <= a < rank for a in given):
        raise errors.at_user_line(
            errors.InvalidArgumentError, f"batch_normalization's axis {axis} is out of range "
            f"for inputs of rank {rank} ({errors.describe(x)})")
    axes = sorted({a % rank for a in given})
    param_shape = [_known_dim(x, a, "normalized") for a in axes]
    reduction = [a for a in range(rank) if a not in axes]
    unbiased = fused is not False and rank in (4, 5) and axes in ([1], [rank - 1]) and (
        x.dtype in (dtypes.float32, dtypes.float16))
    with _layer_scope(name, "batch_normalization", reuse):
        def variable(var_name, initializer, regularizer=None, trainable=trainable):
            return get_variable(var_name, param_shape, x.dtype, initializer, regularizer,
                                trainable)

        gamma = variable("gamma", gamma_initializer, gamma_regularizer) if scale else None
        beta = variable("beta", beta_initializer, beta_regularizer) if center else None
        moving_mean = variable("moving_mean", moving_mean_initializer, trainable=False)
        moving_var = variable("moving_variance", moving_variance_initializer, trainable=False)
        if not isinstance(training, Tensor) and not training:
            mean, variance = moving_mean, moving_var
        else:
            mean, variance = _batch_statistics(x, reduction, training, moving_mean, moving_var,
                                               momentum, unbiased)
        if axes != [rank - 1]:  # parameters of shape [C] broadcast along their own axes
            broadcast = [x.shape[a] if a in axes else 1 for a in range(rank)]
            mean, variance = reshape(mean, broadcast), reshape(variance, broadcast)
            gamma = reshape(gamma, broadcast) if gamma is not None else None
            beta = reshape(beta, broadcast) if beta is not None else None
        return nn.batch_normalization(x, mean, variance, beta, gamma, epsilon)


def _batch_statistics(x, reduction, training, moving_mean, moving_var, momentum, unbiased):
    """The (mean, variance) to normalize with, after adding the moving-average updates."""
    batch_mean, batch_var = nn.moments(x, reduction)
    target_var = batch_var
    if unbiased:
        n = ew.cast(size(x), x.dtype) / float(moving_var.shape.num_elements())
        target_var = batch_var * (n / ew.maximum(n - 1.0, 1.0))
    if isinstance(training, Tensor):
        training = _bool(training)
        batch_mean = ew.where(training, batch_mean, moving_mean)
        batch_var = ew.where(training, batch_var, moving_var)
        target_var = ew.where(training, target_var, moving_var)
    graph = get_default_graph()
    for var, value in ((moving_mean, batch_mean), (moving_var, target_var)):
        graph.add_to_collection(GraphKeys.UPDATE_OPS, _assign_moving_average(var, value,
                                                                             momentum))
    return batch_mean, batch_var


def _assign_moving_average(var, value, momentum):
    with get_default_graph().name_scope("AssignMovingAvg") as scope:
        decay = convert_to_tensor(1.0 - momentum, var.dtype)
        return assign_sub(var, (var - value) * decay, name=scope).op


# -- the class forms (tf.layers.Dense, ...) -------------------------------------------------

class Layer:
    """A layer object (TF1's ``tf.layers.Layer``): its first call makes the variables in a
    variable scope of its own (``name``, or ``dense``, ``dense_1``...), every later call
    shares them. The constructor takes the functional layer's options, in its order.
    """

    _function = None  # the functional layer it calls
    _base_name = None
    _takes_training = False  # the call takes training= (Dropout, BatchNormalization)
    _positional = None  # the constructor's argument order, when not the function's
    _PAIRS = ("kernel_size", "strides", "dilation_rate", "pool_size")  # read back as tuples

    def __init__(self, *args, **kwargs):
        signature = inspect.signature(type(self)._function).parameters
        self._reuses = "reuse" in signature  # a layer with variables
        params = {p.name: p.default for p in signature.values()
                  if p.name not in ("inputs", "reuse", "training")}
        order = self._positional or list(params)
        if len(args) > len(order):
            raise errors.at_user_line(errors.DTypeError, f"{type(self).__name__} takes at most "
                                      f"{len(order)} positional arguments ({len(args)} given)")
        options = dict(zip(order, args))
        unknown = [k for k in kwargs if k not in params and k != "dtype" or k in options]
        if unknown:
            raise errors.at_user_line(errors.DTypeError, f"{type(self).__name__} got "
                                      f"unexpected or repeated arguments {unknown}")
        options.update(kwargs)
        missing = [k for k, d in params.items() if d is inspect.Parameter.empty
                   and k not in options]
        if missing:
            raise errors.at_user_line(errors.DTypeError, f"{type(self).__name__} needs "
                                      f"{', '.join(missing)}")
        self._name, self.dtype = options.pop("name", None), options.pop("dtype", None)
        self._defaults, self._options = params, options
        self.trainable = options.get("trainable", True)
        self._scope = self._graph = None
        self.variables, self.updates = [], []

    def __getattr__(self, option):  # layer.units, layer.use_bias, ... as given or default
        params = self.__dict__.get("_defaults", {})
        if option not in params:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {option!r}")
        value = self._options.get(option, params[option])
        return _tuple(value, 2, option) if option in self._PAIRS and value is not None else value

    @property
    def name(self):
        if self._scope is not None:
            return self._scope.name.rsplit("/", 1)[-1]
        return self._name or self._base_name

    @property
    def built(self):
        return self._scope is not None

    def __call__(self, inputs, training=False):
        """The layer applied to ``inputs`` (``training`` for Dropout, BatchNormalization)."""
        graph = get_default_graph()
        if self._graph is not None and graph.root is not self._graph.root:
            raise errors.at_user_line(
                errors.InvalidArgumentError, f"layer {self.name!r} was built in another graph")
        updates = len(graph.get_collection(GraphKeys.UPDATE_OPS))
        if self._scope is None:
            with variable_scope(self._name, default_name=self._base_name) as scope:
                pass
        extra = {"training": training} if self._takes_training else {}
        if self._reuses:
            extra["reuse"] = True if self._scope else None
        out = type(self)._function(inputs, name=self._scope or scope, **self._options, **extra)
        self.updates += graph.get_collection(GraphKeys.UPDATE_OPS)[updates:]
        if self._scope is None:
            self._scope, self._graph = scope, graph
            prefix = scope.name + "/"  # made now, or shared with an earlier layer (reuse)
            self.variables = [v for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES)
                              if v.op.name.startswith(prefix)]
            if "use_bias" in self._defaults:
                self.bias = None
            for v in self.variables:  # layer.kernel, layer.bias, layer.moving_mean, ...
                setattr(self, v.op.name[len(prefix):], v)
        return out

    apply = __call__

    @property
    def trainable_variables(self):
        if self._graph is None:
            return []
        trainable = set(self._graph.get_collection(GraphKeys.TRAINABLE_VARIABLES))
        return [v for v in self.variables if v in trainable]

    @property
    def non_trainable_variables(self):
        trainable = set(self.trainable_variables)
        return [v for v in self.variables if v not in trainable]

    weights = property(lambda self: self.variables)
    trainable_weights = trainable_variables
    non_trainable_weights = non_trainable_variables


class Dense(Layer):
    """``dense`` as a layer object: ``Dense(units, activation=None, use_bias=True, ...)``."""

    _function, _base_name = staticmethod(dense), "dense"


class Conv2D(Layer):
    """``conv2d`` as a layer object: ``Conv2D(filters, kernel_size, strides=(1, 1), ...)``."""

    _function, _base_name = staticmethod(conv2d), "conv2d"


class MaxPooling2D(Layer):
    """``max_pooling2d`` as a layer object: ``MaxPooling2D(pool_size, strides, ...)``."""

    _function, _base_name = staticmethod(max_pooling2d), "max_pooling2d"


class AveragePooling2D(Layer):
    """``average_pooling2d`` as a layer object: ``AveragePooling2D(pool_size, strides)``."""

    _function, _base_name = staticmethod(average_pooling2d), "average_pooling2d"


class Flatten(Layer):
    """``flatten`` as a layer object: ``Flatten(data_format="channels_last")``."""

    _function, _base_name = staticmethod(flatten), "flatten"
    _positional = ["data_format", "name"]


class Dropout(Layer):
    """``dropout`` as a layer object: ``Dropout(rate=0.5)(x, training=is_training)``."""

    _function, _base_name, _takes_training = staticmethod(dropout), "dropout", True


class BatchNormalization(Layer):
    """``batch_normalization`` as a layer object; ``layer(x, training=...)``; its moving
    average updates are ``layer.updates`` (and in ``UPDATE_OPS``)."""

    _function, _base_name = staticmethod(batch_normalization), "batch_normalization"
    _takes_training = True


errors.wrap_public(globals())

__getattr__ = tf1_names.module_getattr("tf.layers", __name__)  # a TF1 name we lack: say so
