"""Gradient cases: every differentiable op, float64 inputs in safe domains (no kinks, ties
or poles), several shapes with broadcasting. ``build`` takes one placeholder per input
and returns the tensor whose gradient is checked against central differences."""

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

import graphflow as gf
from graphflow.image.resize import resize4
from graphflow.ops.broadcast import broadcast_to, sum_to
from graphflow.ops.conv import AVG_POOL_GRAD, MAX_POOL, MAX_POOL_GRAD, MAX_POOL_GRAD_GRAD
from graphflow.ops.gather import scatter_add
from graphflow.ops.indexing import STRIDED_SLICE_GRAD
from graphflow.ops.movement import MIRROR_PAD_GRAD, split_v


@dataclasses.dataclass
class GradCase:
    id: str
    build: Callable
    inputs: list
    wrt: tuple = None  # indices of the inputs to differentiate (default: all float ones)
    static: bool = True  # placeholders with known shapes (False: every dim None)
    unknown_shapes_ok: bool = True  # False: the graph needs static dims (unstack without num)
    unknown_rank_ok: bool = True  # False: the graph needs the static rank, as in TF1
    tol: float = 1e-6
    second_order: bool = False
    extra: Any = None

    def wrt_indices(self):
        if self.wrt is not None:
            return self.wrt
        return tuple(i for i, a in enumerate(self.inputs) if np.asarray(a).dtype.kind == "f")


CASES = []
_rng = np.random.default_rng(1234)


def case(id, build, *inputs, **kw):
    CASES.append(GradCase(id, build, [np.asarray(a) for a in inputs], **kw))


def U(*shape, lo=-2.0, hi=2.0):
    return _rng.uniform(lo, hi, shape)


def P(*shape):  # positive, away from 0
    return _rng.uniform(0.5, 2.0, shape)


def S(*shape):  # away from 0, either sign
    return P(*shape) * _rng.choice([-1.0, 1.0], shape)


def distinct(*shape):  # no ties (max/min, maximum/minimum)
    return _rng.permutation(np.arange(int(np.prod(shape)), dtype=np.float64)).reshape(shape) / 3


# -- elementwise, unary -------------------------------------------------------------------
UNARY = {
    "negative": (gf.negative, U), "abs": (gf.abs, S), "square": (gf.square, U),
    "sqrt": (gf.sqrt, P), "rsqrt": (gf.rsqrt, P), "exp": (gf.exp, U), "log": (gf.log, P),
    "log1p": (gf.log1p, P), "expm1": (gf.expm1, U), "sigmoid": (gf.sigmoid, U),
    "tanh": (gf.tanh, U), "sin": (gf.sin, U), "cos": (gf.cos, U), "sign": (gf.sign, S),
    "reciprocal": (gf.reciprocal, S), "identity": (gf.identity, U),
}
for name, (fn, gen) in UNARY.items():
    for shape in [(), (2, 3)]:
        case(f"{name}/{shape}", fn, gen(*shape), second_order=True)

# -- elementwise, binary with broadcasting --------------------------------------------------
BIN_SHAPES = [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2,))]
BINARY = {
    "add": (gf.add, U, U), "subtract": (gf.subtract, U, U), "multiply": (gf.multiply, U, U),
    "divide": (gf.divide, U, S), "pow": (gf.pow, P, U), "maximum": (gf.maximum, None, None),
    "minimum": (gf.minimum, None, None),
}
for name, (fn, ga, gb) in BINARY.items():
    for sa, sb in BIN_SHAPES:
        if ga is None:  # distinct values across both operands: no ties
            both = distinct(int(np.prod(sa)) + int(np.prod(sb)))
            a, b = both[:int(np.prod(sa))].reshape(sa), both[int(np.prod(sa)):].reshape(sb)
        else:
            a, b = ga(*sa), gb(*sb)
        case(f"{name}/{sa}x{sb}", fn, a, b, second_order=True)
case("mod/(2, 3)x(3,)", gf.mod, np.array([[2.3, 5.1, -1.2], [0.4, 7.7, 3.3]]),
     np.array([1.5, 2.0, 0.7]))
case("where", lambda c, x, y: gf.where(c, x, y), np.array([[True, False, True]]), U(2, 3), U(3))
case("where/tf1_rows", lambda c, x, y: gf.where(c, x, y), np.array([True, False]), U(2, 3),
     U(2, 3))
case("add_n", lambda a, b, c: gf.add_n([a, b, a * c]), U(2, 3), U(2, 3), U(2, 3))
case("cast/f32_to_f64", lambda x: gf.cast(x, gf.float64) * 3.0,
     U(4).astype(np.float32), tol=1e-4)
case("clip_by_value", lambda x: gf.clip_by_value(x, -1.0, 1.0),
     np.array([-1.7, -0.4, 0.3, 1.6]))
case("squared_difference", gf.squared_difference, U(2, 3), U(3), second_order=True)


def _clipped_together(a, b, clip):
    clipped, norm = gf.clip_by_global_norm([a, None, b], clip)
    return gf.concat([gf.reshape(clipped[0], [-1]), clipped[2], [norm]], 0)


# norms of U(2, 3) and U(4) are about 2.8 and 2.3: the clips below act, except where named
case("clip_by_norm", lambda x: gf.clip_by_norm(x, 1.0), U(2, 3), second_order=True)
case("clip_by_norm/axes_one_row_under", lambda x: gf.clip_by_norm(x, 1.0, axes=[1]),
     np.array([[0.3, 0.2, -0.1], [1.5, -2.0, 0.7]]))
case("global_norm", lambda a, b: gf.global_norm([a, None, b]), U(2, 3), U(4),
     second_order=True)
case("clip_by_global_norm", lambda a, b: _clipped_together(a, b, 1.5), U(2, 3), U(4),
     second_order=True)
case("clip_by_global_norm/unclipped", lambda a, b: _clipped_together(a, b, 50.0), U(2, 3),
     U(4))
case("clip_by_average_norm", lambda x: gf.clip_by_average_norm(x, 0.1), U(2, 3))

# -- reductions -----------------------------------------------------------------------------
for name, fn in [("reduce_sum", gf.reduce_sum), ("reduce_mean", gf.reduce_mean),
                 ("reduce_max", gf.reduce_max), ("reduce_min", gf.reduce_min),
                 ("reduce_prod", gf.reduce_prod)]:
    for axis in [None, 0, [0, 2], -1]:
        for keepdims in [False, True]:
            x = distinct(2, 3, 4) + 0.5 if name != "reduce_prod" else S(2, 3, 4)
            case(f"{name}/axis={axis},keepdims={keepdims}",
                 lambda x, fn=fn, axis=axis, keepdims=keepdims: fn(x, axis=axis, keepdims=keepdims),
                 x)
case("reduce_prod/one_zero", lambda x: gf.reduce_prod(x, axis=1), np.array([[1.5, 0.0, -2.0],
                                                                          [0.5, 1.2, 3.0]]))
case("reduce_prod/two_zeros", lambda x: gf.reduce_prod(x, axis=1), np.array([[0.0, 0.0, 2.0]]))
case("reduce_max/ties", lambda x: gf.reduce_max(x, axis=1), np.array([[1.0, 3.0, 3.0]]))
case("reduce_sum/none_dims", lambda x: gf.reduce_sum(x, axis=1), U(3, 4), static=False)

# -- contraction ----------------------------------------------------------------------------
for ta in (False, True):
    for tb in (False, True):
        a = U(4, 3) if ta else U(3, 4)
        b = U(5, 4) if tb else U(4, 5)
        case(f"matmul/ta={ta},tb={tb}",
             lambda a, b, ta=ta, tb=tb: gf.matmul(a, b, transpose_a=ta, transpose_b=tb),
             a, b, second_order=True)
case("matmul/batched", gf.matmul, U(2, 3, 4), U(2, 4, 5), second_order=True)
case("matmul/broadcast_batch", gf.matmul, U(1, 3, 4), U(2, 4, 5))
case("matmul/rank3_x_rank2", gf.matmul, U(2, 3, 4), U(4, 5))
case("matmul/none_dims", gf.matmul, U(3, 4), U(4, 2), static=False)

# -- movement -------------------------------------------------------------------------------
case("reshape", lambda x: gf.reshape(x, [3, -1]), U(2, 3, 2))
case("reshape/none_dims", lambda x: gf.reshape(x, [-1]), U(2, 3), static=False)
case("transpose", lambda x: gf.transpose(x, [2, 0, 1]), U(2, 3, 4))
case("transpose/default", gf.transpose, U(2, 3))
case("expand_dims", lambda x: gf.expand_dims(x, 1), U(2, 3))
case("squeeze", lambda x: gf.squeeze(x, [1]), U(2, 1, 3))
case("concat/axis0", lambda a, b: gf.concat([a, b], 0), U(2, 3), U(1, 3))
case("concat/axis-1", lambda a, b, c: gf.concat([a, b, c], -1), U(2, 1), U(2, 2), U(2, 3))
case("concat/none_dims", lambda a, b: gf.concat([a, b * 2], 0), U(2, 3), U(3, 3), static=False)
case("stack", lambda a, b: gf.stack([a, b], axis=1), U(2, 3), U(2, 3))
case("unstack", lambda x: gf.add_n([t * (i + 1) for i, t in enumerate(gf.unstack(x, axis=1))]),
     U(2, 3), unknown_shapes_ok=False)
case("unstack/unused_part", lambda x: gf.unstack(x)[1], U(3, 2), unknown_shapes_ok=False)
case("split/num", lambda x: gf.split(x, 2, axis=1)[1] * 2, U(2, 4))
case("split/sizes", lambda x: gf.split(x, [1, 3, -1])[1] * 2, U(5, 2))
case("split_v", lambda x: split_v(x, [2, 2], 0)[0] * 3.0, U(4, 2))
case("tile", lambda x: gf.tile(x, [2, 3]), U(2, 3))
case("pad", lambda x: gf.pad(x, [[1, 0], [2, 1]]), U(2, 3))
case("pad/reflect", lambda x: gf.pad(x, [[1, 2], [2, 1]], "REFLECT"), U(3, 4),
     second_order=True)
case("pad/reflect_widest", lambda x: gf.pad(x, [[0, 0], [3, 3]], mode="reflect"), U(2, 4))
case("pad/symmetric", lambda x: gf.pad(x, [[2, 1], [0, 3]], "SYMMETRIC"), U(2, 3),
     second_order=True)
case("pad/symmetric_rank3", lambda x: gf.pad(x, [[1, 1], [0, 1], [2, 0]], "SYMMETRIC"),
     U(2, 2, 3))
for _mode in ("REFLECT", "SYMMETRIC"):  # the op the two above differentiate through
    case(f"mirror_pad_grad/{_mode.lower()}",
         lambda g, m=_mode: MIRROR_PAD_GRAD(g, paddings=((1, 2), (2, 1)), mode=m), U(7, 6),
         second_order=True)
case("slice", lambda x: gf.slice(x, [0, 1], [2, -1]), U(3, 4))
for key_name, key in [("int", (1,)), ("neg_step", (slice(None, None, -2),)),
                      ("ellipsis_newaxis", (Ellipsis, None, slice(1, 3))),
                      ("mixed", (slice(1, None), -1))]:
    case(f"strided_slice/{key_name}", lambda x, key=key: x[key], U(3, 4))
case("strided_slice/none_dims", lambda x: x[:, 1:], U(3, 4), static=False)
case("getitem/tensor_index", lambda x, i: x[i], U(4, 3), np.array([3, 0, 3, 1]))
case("getitem/known_negative_index", lambda x: x[[3, 0, 3, -1]], U(4, 3))
case("gather/axis0_repeats", lambda p, i: gf.gather(p, i), U(4, 3), np.array([[2, 0], [2, 2]]))
case("gather/axis1", lambda p, i: gf.gather(p, i, axis=1), U(2, 4), np.array([3, 1]))
case("gather/batch_dims1", lambda p, i: gf.gather(p, i, batch_dims=1), U(2, 4),
     np.array([[3, 1, 3], [0, 0, 2]]))
case("gather/batch_dims1_axis2", lambda p, i: gf.gather(p, i, axis=2, batch_dims=1),
     U(2, 3, 4), np.array([[3, 1], [2, 2]]))
case("gather_nd/rows_repeated", lambda p, i: gf.gather_nd(p, i), U(3, 4),
     np.array([[2, 1], [0, 3], [2, 1]]), second_order=True)
case("gather_nd/slices", lambda p, i: gf.gather_nd(p, i), U(3, 2, 2),
     np.array([[[1], [1]], [[0], [2]]]))
case("gather_nd/batch_dims1", lambda p, i: gf.gather_nd(p, i, batch_dims=1), U(2, 3, 2),
     np.array([[[2], [0]], [[1], [1]]]))
case("gather_nd/none_dims", lambda p, i: gf.gather_nd(p, i), U(3, 4),
     np.array([[2, 1], [0, 3]]), static=False)
case("scatter_nd", lambda i, u: gf.scatter_nd(i, u, [4, 3]), np.array([[1], [3], [1]]),
     U(3, 3), second_order=True)
case("scatter_nd/rows", lambda i, u: gf.scatter_nd(i, u, [2, 3]),
     np.array([[1, 2], [0, 0], [1, 2]]), U(3))
case("sparse_to_dense", lambda v, d: gf.sparse_to_dense([[0, 1], [1, 0], [2, 2]], [3, 3], v, d),
     U(3), np.array(0.5), second_order=True)
case("sparse_to_dense/scalar_value", lambda v: gf.sparse_to_dense([[0], [2]], [4], v, 1.0),
     np.array(1.5))
case("sparse_to_dense/none_dims", lambda i, v, d: gf.sparse_to_dense(i, [2, 3], v, d),
     np.array([[0, 0], [1, 2]]), U(2), np.array(-0.5), static=False)
case("fill", lambda v: gf.fill([2, 3], v) * np.arange(6.0).reshape(2, 3), np.array(1.5))
case("broadcast_to", lambda x: broadcast_to(x, [2, 3, 4]), U(3, 1))
case("sum_to", lambda x: sum_to(x, [3, 1]), U(2, 3, 4))


@gf.custom_gradient
def _cube_and_sine(x, y):  # the true gradients, given by hand: the check compares them
    def grad(d_cube, d_sine):
        return 3 * x * x * d_cube, gf.cos(y) * d_sine
    return [x * x * x, gf.sin(y)], grad


case("custom_gradient", lambda x, y: gf.add_n(_cube_and_sine(x, y)), U(2, 3), U(2, 3),
     second_order=True)
case("scatter_add", lambda u, i: scatter_add(u, i, [4, 3]), U(3, 3), np.array([0, 2, 0]))
case("strided_slice_grad", lambda g: STRIDED_SLICE_GRAD(g, gf.constant([3, 4]),
                                                        spec=(("slice", 1, None, None),)),
     U(2, 4))

# -- nn composites --------------------------------------------------------------------------
case("nn.relu", gf.nn.relu, S(2, 3))
case("nn.relu6", gf.nn.relu6, np.array([-1.0, 2.0, 7.0, 5.5]))
case("nn.leaky_relu", gf.nn.leaky_relu, S(2, 3))
case("nn.elu", gf.nn.elu, S(2, 3))
case("nn.softplus", gf.nn.softplus, U(2, 3))
case("nn.softmax", gf.nn.softmax, U(2, 4))
case("nn.log_softmax", lambda x: gf.nn.log_softmax(x, axis=0), U(3, 2))
case("nn.bias_add", gf.nn.bias_add, U(2, 3), U(3))
case("nn.xw_plus_b", gf.nn.xw_plus_b, U(2, 3), U(3, 4), U(4), second_order=True)
case("nn.l2_loss", gf.nn.l2_loss, U(2, 3))
case("nn.softmax_xent_v2", lambda l, x: gf.nn.softmax_cross_entropy_with_logits_v2(
    labels=l, logits=x), np.array([[0.2, 0.8, 0.0], [1.0, 0.0, 0.0]]), U(2, 3))
case("nn.sparse_softmax_xent", lambda l, x: gf.nn.sparse_softmax_cross_entropy_with_logits(
    labels=l, logits=x), np.array([2, 0]), U(2, 3) * 5)
case("nn.sigmoid_xent", lambda l, x: gf.nn.sigmoid_cross_entropy_with_logits(
    labels=l, logits=x), np.array([[0.0, 1.0, 0.3]]), U(2, 3) * 3)
case("placeholder_with_default", lambda x: gf.placeholder_with_default(x, [None, 3]) * x,
     U(2, 3))
_MOMENT_WEIGHTS = U(2, 3)
case("nn.moments", lambda x: gf.add_n([m * w for m, w in zip(gf.nn.moments(x, [0]),
                                                             _MOMENT_WEIGHTS)]), U(4, 3))
case("nn.moments/keep_dims_all", lambda x: gf.nn.moments(x, [0, 1], keep_dims=True)[1], U(2, 3))
case("nn.batch_normalization", lambda x, m, v, b, s: gf.nn.batch_normalization(
    x, m, v, b, s, 1e-3), U(4, 3), U(3), P(3), U(3), S(3))

# -- embeddings and sampled losses (fixed sampled_values: the sampler is not differentiable) --
_IDS = np.array([[6, 0], [2, 5], [1, 1]])
case("nn.embedding_lookup/one_table", lambda p, i: gf.nn.embedding_lookup(p, i), U(7, 3), _IDS)
case("nn.embedding_lookup/mod_shards", lambda a, b, c, i: gf.nn.embedding_lookup([a, b, c], i),
     U(3, 2), U(2, 2), U(2, 2), _IDS)
# max_norm 0.8: rows 0-2 are shorter (|x| <= 0.7), rows 3-6 longer (>= 0.87): no kink
_SHORT_AND_LONG = np.concatenate([U(3, 3) * 0.2, S(4, 3)])
case("nn.embedding_lookup/div_shards_max_norm",
     lambda a, b, i: gf.nn.embedding_lookup([a, b], i, "div", max_norm=0.8),
     _SHORT_AND_LONG[:4], _SHORT_AND_LONG[4:], _IDS)
case("nn.embedding_lookup/none_dims", lambda a, b, c, i: gf.nn.embedding_lookup(
    [a, b, c], i, "div", max_norm=0.8), _SHORT_AND_LONG[:3], _SHORT_AND_LONG[3:5],
     _SHORT_AND_LONG[5:], _IDS, static=False)
_LABELS = np.array([[5, 5], [1, 2], [0, 9], [7, 3]])
_SAMPLED_VALUES = (np.array([5, 2, 5, 7, 0, 8]), P(4, 2) / 2, P(6) / 2)
for _loss, _fn in (("nce_loss", gf.nn.nce_loss),
                  ("sampled_softmax_loss", gf.nn.sampled_softmax_loss)):
    for _true, _remove in ((1, False), (2, True)):
        case(f"nn.{_loss}/num_true{_true}" + ("_hits_removed" if _remove else ""),
             lambda w, b, x, f=_fn, t=_true, r=_remove: f(
                 w, b, _LABELS[:, :t], x, 6, 10, num_true=t, remove_accidental_hits=r,
                 sampled_values=(_SAMPLED_VALUES[0], _SAMPLED_VALUES[1][:, :t],
                                 _SAMPLED_VALUES[2])), U(10, 3), U(10), U(4, 3))
    case(f"nn.{_loss}/mod_shards_none_dims", lambda a, b, c, bias, x, f=_fn: f(
        [a, b, c], bias, _LABELS, x, 6, 10, num_true=2, sampled_values=_SAMPLED_VALUES),
        U(4, 3), U(3, 3), U(3, 3), U(10), U(4, 3), static=False)

# -- convolution and pooling (NHWC): x is 2x5x4x2, the window 3x2 -------------------------------
_OUT_HW = {("SAME", 1): (5, 4), ("VALID", 1): (3, 3), ("SAME", 2): (3, 2), ("VALID", 2): (2, 2)}
for (pad, stride), (oh, ow) in _OUT_HW.items():
    case(f"nn.conv2d/{pad},s{stride}", lambda x, f, s=stride, p=pad: gf.nn.conv2d(x, f, s, p),
         U(2, 5, 4, 2), U(3, 2, 2, 3), second_order=True)
    case(f"nn.conv2d_backprop_input/{pad},s{stride}",
         lambda f, g, s=stride, p=pad: gf.nn.conv2d_backprop_input([2, 5, 4, 2], f, g, s, p),
         U(3, 2, 2, 3), U(2, oh, ow, 3), second_order=True)
    case(f"nn.conv2d_backprop_filter/{pad},s{stride}",
         lambda x, g, s=stride, p=pad: gf.nn.conv2d_backprop_filter(x, [3, 2, 2, 3], g, s, p),
         U(2, 5, 4, 2), U(2, oh, ow, 3), second_order=True)
    for name, pool in (("max_pool", gf.nn.max_pool), ("avg_pool", gf.nn.avg_pool)):
        case(f"nn.{name}/{pad},s{stride}",
             lambda x, pool=pool, s=stride, p=pad: pool(x, [3, 2], s, p),
             distinct(2, 5, 4, 2), second_order=True)
case("nn.conv2d/dilated,s2", lambda x, f: gf.nn.conv2d(x, f, 2, "SAME", dilations=2),
     U(1, 7, 6, 2), U(2, 3, 2, 2))
case("nn.conv2d/explicit_pads",
     lambda x, f: gf.nn.conv2d(x, f, 2, [[0, 0], [2, 0], [1, 1], [0, 0]]), U(1, 5, 4, 2),
     U(3, 2, 2, 2))
case("nn.conv2d/none_dims", lambda x, f: gf.nn.conv2d(x, f, 2, "SAME"), U(1, 5, 4, 2),
     U(2, 2, 2, 1), static=False)
case("nn.max_pool/none_dims", lambda x: gf.nn.max_pool(x, 2, 2, "SAME"), distinct(1, 5, 3, 2),
     static=False)
case("nn.avg_pool/none_dims", lambda x: gf.nn.avg_pool(x, 2, 2, "SAME"), U(1, 5, 3, 2),
     static=False)
_POOL = dict(ksize=(3, 2), strides=(2, 2), padding="SAME")  # 2x5x4x2 -> 2x3x2x2
case("max_pool_grad", lambda x, g: MAX_POOL_GRAD(x, MAX_POOL(x, **_POOL), g, **_POOL),
     distinct(2, 5, 4, 2), U(2, 3, 2, 2), second_order=True)
case("max_pool_grad_grad",
     lambda x, g: MAX_POOL_GRAD_GRAD(x, MAX_POOL(x, **_POOL), g, **_POOL),
     distinct(2, 5, 4, 2), U(2, 5, 4, 2), second_order=True)
case("avg_pool_grad", lambda g: AVG_POOL_GRAD(gf.constant([2, 5, 4, 2]), g, **_POOL),
     U(2, 3, 2, 2), second_order=True)

# -- gf.image: the resize kernels in float64 (the public functions compute in float32, as
#    TF1), flips, rotations, crops and pads with boxes known and unknown while building ------
_SIZES = {"up": (5, 6), "down": (2, 3)}
for _kernel in ("bilinear", "nearest", "bicubic", "area"):
    for _label, (_h, _w) in _SIZES.items():
        for _grid, _align, _half in (("", False, False), ("/align", True, False),
                                     ("/half_pixel", False, True)):
            if _kernel == "area" and _half:
                continue
            case(f"image.resize_{_kernel}/{_label}{_grid}",
                 lambda x, k=_kernel, h=_h, w=_w, a=_align, p=_half: resize4(x, h, w, k, a, p,
                                                                               dtype=None),
                 U(1, 3, 4, 2))
    case(f"image.resize_{_kernel}/none_dims", lambda x, k=_kernel: resize4(
        x, 5, 3, k, dtype=None), U(2, 3, 4, 1), static=False)


def _run_time(value):  # an int the graph knows only when it runs
    return gf.placeholder_with_default(value, [])


case("image.flip_left_right", gf.image.flip_left_right, U(2, 3, 4, 2))
case("image.flip_up_down", gf.image.flip_up_down, U(3, 4, 2))
case("image.transpose_image", gf.image.transpose_image, U(2, 3, 4, 2))
for _k in (1, 2, 3):
    case(f"image.rot90/k{_k}", lambda x, k=_k: gf.image.rot90(x, k), U(3, 4, 2))
case("image.rot90/run_time_k", lambda x: gf.image.rot90(x, _run_time(3)), U(2, 3, 4, 1))
# of unknown rank, TF1 takes the image as one 3-D image: a 4-D batch fails the run
case("image.crop_to_bounding_box", lambda x: gf.image.crop_to_bounding_box(x, 1, 2, 2, 2),
     U(2, 4, 5, 1), unknown_rank_ok=False)
case("image.crop_to_bounding_box/run_time", lambda x: gf.image.crop_to_bounding_box(
    x, _run_time(1), 2, 2, _run_time(2)), U(4, 5, 2))
case("image.pad_to_bounding_box", lambda x: gf.image.pad_to_bounding_box(x, 1, 2, 5, 6),
     U(2, 3, 2, 1), unknown_rank_ok=False)
case("image.pad_to_bounding_box/run_time", lambda x: gf.image.pad_to_bounding_box(
    x, _run_time(1), 2, 5, _run_time(6)), U(3, 2, 2))
case("image.resize_image_with_crop_or_pad", lambda x: gf.image.resize_image_with_crop_or_pad(
    x, 2, 6), U(4, 3, 2), static=False)
case("image.central_crop", lambda x: gf.image.central_crop(x, 0.5), U(2, 4, 6, 1),
     unknown_rank_ok=False)
case("image.rgb_to_hsv", gf.image.rgb_to_hsv,  # channels apart, hues inside their sixths
     np.array([[[0.9, 0.5, 0.2], [0.3, 0.8, 0.5], [0.2, 0.4, 0.7], [0.6, 0.3, 0.8]]]))
case("image.hsv_to_rgb", gf.image.hsv_to_rgb,
     np.array([[[0.1, 0.5, 0.8], [0.4, 0.9, 0.3], [0.6, 0.2, 0.6], [0.95, 0.7, 0.4]]]))
case("image.rgb_to_yiq", gf.image.rgb_to_yiq, U(2, 2, 3))
case("image.yuv_to_rgb", gf.image.yuv_to_rgb, U(2, 3))
# computed in float32 as in TF1 (float32 inputs: differences with a step of 1e-2)
_F32 = U(2, 3, 4, 3).astype(np.float32) / 4 + 0.5
case("image.adjust_brightness", lambda x: gf.image.adjust_brightness(x, 0.1), _F32, tol=1e-3)
# through a float32 mean (and variance) of 36 pixels: rounding in the objective's sum, divided
# by the step, is ~1e-3 of the slope, and moves with the order the kernels sum in
case("image.adjust_contrast", lambda x: gf.image.adjust_contrast(x, 1.6), _F32, tol=5e-3)
case("image.per_image_standardization", gf.image.per_image_standardization, _F32, tol=5e-3)
case("image.rgb_to_grayscale", gf.image.rgb_to_grayscale, _F32, tol=1e-3)
case("image.image_gradients", lambda x: gf.add_n(gf.image.image_gradients(x)), U(2, 3, 4, 1),
     unknown_rank_ok=False)
case("image.sobel_edges", gf.image.sobel_edges, U(1, 3, 4, 2))
case("image.total_variation", gf.image.total_variation, U(2, 3, 4, 1), unknown_rank_ok=False)
case("image.psnr", lambda a, b: gf.image.psnr(a, b, 1.0), _F32, _F32 - 2, tol=1e-3)  # far apart: log(mse) is nearly linear over a step

# (new rows go last: the rows above draw their inputs from one generator in order, and
# float32 rows such as image.adjust_brightness sit near their tolerance for some draws)
# dims known only when run: the bias passes a run-time check of the channels (CheckShape)
case("nn.bias_add/none_dims", lambda x, b: gf.nn.bias_add(x, b, data_format="NCHW"),
     U(2, 3, 2, 2), U(3), static=False)

# the checks and prints that pass their input through pass the gradient through (fixed
# inputs: a draw from the shared generator would change every later case's)
_PASSED = np.linspace(-1.5, 1.5, 6).reshape(2, 3)
case("check_numerics", lambda x: gf.check_numerics(x, "x") * x, _PASSED, second_order=True)
case("Print", lambda x: gf.Print(x, [x], first_n=0) * x, _PASSED)
# dims known only when run: tf.slice's block passes a run-time check (CheckSlice)
case("slice/none_dims", lambda x: gf.slice(x, [0, 1], [2, -1]) * x[:2, 1:],
     np.linspace(-1.5, 1.5, 12).reshape(3, 4), static=False)

# control flow (ops/cond.py, ops/while_loop.py, ops/tensor_array.py)
case("cond/true", lambda x, y: gf.cond(gf.reduce_sum(x * x) > -1.0, lambda: x * y,
                                       lambda: gf.sin(x)), U(2, 3), U(2, 3))
case("cond/false", lambda x, y: gf.cond(gf.reduce_sum(x * x) < -1.0, lambda: x * y,
                                        lambda: gf.sin(x) * gf.reduce_sum(y)), U(2, 3), U(3))
case("while_loop", lambda x: gf.while_loop(lambda i, a: i < 3,
                                           lambda i, a: (i + 1, gf.sin(a) * x), [0, x])[1],
     U(2, 3))
case("TensorArray/unstack_stack",
     lambda x: gf.TensorArray(gf.float64, size=2).unstack(x).stack() * x, U(2, 3))
case("TensorArray/scatter_gather",
     lambda x: gf.TensorArray(gf.float64, size=3).scatter([2, 0, 1], x).gather([1, 2]), U(3, 2))
case("TensorArray/write_read",
     lambda x, y: gf.TensorArray(gf.float64, size=2).write(0, x).write(1, y).read(1) * x,
     U(2, 3), U(2, 3))
