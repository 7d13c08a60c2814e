"""``gf.nn`` convolution and pooling: TF1's functions and signatures over the ops in
``graphflow/ops/conv.py`` (NHWC only, as TF1's CPU kernels)."""

import numpy as np

from .. import errors
from ..graph import name_scope
from ..ops.base import static_ints
from ..ops.conv import (
    AVG_POOL,
    CONV2D,
    CONV2D_BACKPROP_FILTER,
    CONV2D_BACKPROP_INPUT,
    MAX_POOL,
)
from ..ops.elementwise import binary_operands
from ..ops.sources import convert_to_tensor, shape_tensor


def _hw(value, what, default=None):
    """(h, w) from an int, [h, w] or [1, h, w, 1] (NHWC): the forms TF1 accepts."""
    if value is None:
        if default is None:
            raise errors.at_user_line(errors.InvalidArgumentError, f"{what} must be given")
        return (default, default)
    v = static_ints(value, what)
    v = [v] if isinstance(v, int) else list(v)
    if len(v) == 4:
        if v[0] != 1 or v[3] != 1:
            raise errors.at_user_line(
                errors.UnimplementedError,
                f"{what} must be 1 in the batch and depth dimensions (NHWC), got {v}")
        v = v[1:3]
    if len(v) not in (1, 2) or min(v) < 1:
        raise errors.at_user_line(
            errors.InvalidArgumentError,
            f"{what} must be a positive int or a list of 1, 2 or 4 of them, got {value!r}")
    return tuple(v * 2 if len(v) == 1 else v)


def _padding(padding):
    """'SAME'/'VALID' (any case), or explicit NHWC pads as ((top, bottom), (left, right))."""
    if isinstance(padding, str):
        return padding.upper()
    if isinstance(padding, (list, tuple)):
        pads = static_ints(padding, "padding")
        if np.shape(pads) == (4, 2) and pads[0] == [0, 0] and pads[3] == [0, 0]:
            return tuple(tuple(p) for p in pads[1:3])
    return padding  # the op's infer says what is wrong with it


def _nhwc(data_format, what):
    if data_format in ("NHWC", None):
        return
    raise errors.at_user_line(
        errors.UnimplementedError if data_format == "NCHW" else errors.InvalidArgumentError,
        f"{what} supports only data_format='NHWC' (as TF1's CPU kernels do), got "
        f"{data_format!r}; transpose the input to NHWC")


def _alias(value, alias, what, alias_name):
    if value is not None and alias is not None:
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  f"pass only one of {what} and {alias_name}")
    return value if value is not None else alias


def _conv_attrs(strides, padding, data_format, dilations, what):
    _nhwc(data_format, what)
    return dict(strides=_hw(strides, f"{what}'s strides"), padding=_padding(padding),
                dilations=_hw(dilations, f"{what}'s dilations", default=1))


def conv2d(input, filter=None, strides=None, padding=None, use_cudnn_on_gpu=True,  # noqa: A002
           data_format="NHWC", dilations=None, name=None, filters=None):
    """2-D cross-correlation of an NHWC ``input`` with a ``[height, width, in_channels,
    out_channels]`` filter. ``strides``/``dilations``: int, [h, w] or [1, h, w, 1];
    ``padding``: "SAME", "VALID" or explicit [[0, 0], [top, bottom], [left, right], [0, 0]]."""
    filter = _alias(filter, filters, "filter", "filters")
    attrs = _conv_attrs(strides, padding, data_format, dilations, "conv2d")
    with name_scope(name, "Conv2D") as scope:
        x, f = binary_operands(input, filter)
        return CONV2D(x, f, name=scope, **attrs)


def conv2d_backprop_input(input_sizes, filter=None, out_backprop=None, strides=None,
                          padding=None, use_cudnn_on_gpu=True, data_format="NHWC",
                          dilations=None, name=None, filters=None):
    """The gradient of ``conv2d`` w.r.t. its input, for an input of shape ``input_sizes``."""
    filter = _alias(filter, filters, "filter", "filters")
    attrs = _conv_attrs(strides, padding, data_format, dilations, "conv2d_backprop_input")
    with name_scope(name, "Conv2DBackpropInput") as scope:
        f, g = binary_operands(filter, out_backprop)
        return CONV2D_BACKPROP_INPUT(shape_tensor(input_sizes), f, g, name=scope, **attrs)


def conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding,  # noqa: A002
                           use_cudnn_on_gpu=True, data_format="NHWC", dilations=None,
                           name=None):
    """The gradient of ``conv2d`` w.r.t. its filter, of shape ``filter_sizes``."""
    attrs = _conv_attrs(strides, padding, data_format, dilations, "conv2d_backprop_filter")
    with name_scope(name, "Conv2DBackpropFilter") as scope:
        x, g = binary_operands(input, out_backprop)
        return CONV2D_BACKPROP_FILTER(x, shape_tensor(filter_sizes), g, name=scope, **attrs)


def conv2d_transpose(value=None, filter=None, output_shape=None, strides=None,  # noqa: A002
                     padding="SAME", data_format="NHWC", name=None, input=None, filters=None,
                     dilations=None):
    """The transpose of ``conv2d`` (its input gradient): maps ``value`` of conv2d's output
    shape back to ``output_shape``; the filter is ``[height, width, out_channels, in_channels]``."""
    value = _alias(value, input, "value", "input")
    filter = _alias(filter, filters, "filter", "filters")
    attrs = _conv_attrs(strides, padding, data_format, dilations, "conv2d_transpose")
    with name_scope(name, "conv2d_transpose") as scope:
        f, g = binary_operands(filter, value)
        return CONV2D_BACKPROP_INPUT(shape_tensor(output_shape), f, g, name=scope, **attrs)


def _pool(opdef, what, value, ksize, strides, padding, data_format, name):
    _nhwc(data_format, what)
    attrs = dict(ksize=_hw(ksize, f"{what}'s ksize"), strides=_hw(strides, f"{what}'s strides"),
                 padding=_padding(padding))
    with name_scope(name, opdef.type) as scope:
        return opdef(convert_to_tensor(value), name=scope, **attrs)


def max_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa: A002
    """The maximum over each ``ksize`` window of an NHWC tensor (pads never win); its
    gradient goes to the first maximum of a window, rows before columns."""
    value = _alias(value, input, "value", "input")
    return _pool(MAX_POOL, "max_pool", value, ksize, strides, padding, data_format, name)


def avg_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa: A002
    """The mean over each ``ksize`` window of an NHWC tensor; with SAME padding a window
    averages only its non-pad elements (TF1)."""
    value = _alias(value, input, "value", "input")
    return _pool(AVG_POOL, "avg_pool", value, ksize, strides, padding, data_format, name)


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """``max_pool`` under its TF2 name."""
    return _pool(MAX_POOL, "max_pool2d", input, ksize, strides, padding, data_format, name)


def avg_pool2d(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa: A002
    """``avg_pool`` under its TF2 name."""
    value = _alias(value, input, "value", "input")
    return _pool(AVG_POOL, "avg_pool2d", value, ksize, strides, padding, data_format, name)
