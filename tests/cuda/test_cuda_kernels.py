"""The CUDA launchers of graphflow.backends.cuda.kernels against each op's NumPy reference,
under the CUDA simulator (NUMBA_ENABLE_CUDASIM=1) or on a GPU. Shapes are tiny: the
simulator runs every CUDA thread as a Python thread.

With GRAPHFLOW_CUDA_PTX=1 (and no simulator) the same tests run no kernel at all: every
launch compiles its kernel to PTX for sm_90 with the launch's argument types instead (the
simulator never type-checks kernels; this does, without a GPU). test_kernels_compile_to_ptx
runs that mode in a subprocess.
"""

import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphflow as gf
from graphflow.backends.cuda import env as cuda_env
from graphflow.backends.cuda import grid as cuda_grid
from graphflow.backends.cuda import kernels as cuda_kernels
from graphflow.backends.cuda import matmul as cuda_matmul
from graphflow.backends.cuda import reduce as cuda_reduce
from graphflow.ops import base, conv, gather, movement
from graphflow.ops.indexing import STRIDED_SLICE, STRIDED_SLICE_GRAD

cuda = cuda_grid.cuda_module()
rng = np.random.default_rng(0)
PTX_MODE = os.environ.get("GRAPHFLOW_CUDA_PTX") == "1"
COMPUTE_CAPABILITY = (9, 0)  # H100 / H200


class HostArray(np.ndarray):
    """In PTX mode, host memory stands in for device arrays (kernels never run)."""

    def copy_to_host(self):
        return np.asarray(self)


class PtxRecorder:
    """In PTX mode, a kernel whose launches compile it for the launch's argument types."""

    compiled = set()

    def __init__(self, fn):
        self.fn = fn

    def __getitem__(self, launch_config):
        return self.compile

    def compile(self, *args):
        from numba import typeof

        sig = tuple(typeof(a.view(np.ndarray) if isinstance(a, np.ndarray) else a)
                    for a in args)
        if (self.fn, sig) not in self.compiled:
            ptx, _ = cuda.compile_ptx(self.fn, sig, cc=COMPUTE_CAPABILITY)
            assert ".entry" in ptx
            self.compiled.add((self.fn, sig))


if PTX_MODE:
    _real_jit = cuda.jit

    def _compiling_jit(fn=None, **options):
        if options.get("device"):
            return _real_jit(fn, **options) if fn else _real_jit(**options)
        return PtxRecorder(fn) if fn else PtxRecorder
    cuda.jit = _compiling_jit
    # device functions compile for "the current device": with no GPU, say it is an sm_90
    from numba.cuda import dispatcher as _dispatcher

    _dispatcher.get_current_device = lambda: type("Sm90", (), {
        "compute_capability": COMPUTE_CAPABILITY})()
    cuda.to_device = lambda a: np.array(a, order="C").view(HostArray)


@pytest.fixture(autouse=True)
def small_launches(monkeypatch):
    monkeypatch.setattr(cuda_matmul, "FULL_GRID", 0)  # TILE only, unless a test says
    """Few threads per block and small matmul tiles keep the simulator fast (the kernels
    are correct for any tile sizes; the GPU defaults are exercised by test_default_tiles)."""
    if cuda_grid.simulated():
        monkeypatch.setattr(cuda_grid, "ELEMENT_THREADS", 32)
        monkeypatch.setattr(cuda_grid, "MAX_BLOCKS", 8)
        monkeypatch.setattr(cuda_reduce, "REDUCE_THREADS", 16)
        monkeypatch.setattr(cuda_matmul, "TILE", cuda_matmul.Tile(16, 16, 4, 4, 4))
        monkeypatch.setattr(cuda_matmul, "SMALL_TILE", cuda_matmul.Tile(8, 8, 4, 2, 2))
    monkeypatch.setattr(cuda_reduce, "TREE_MIN", 8)  # the tree kernel on tiny rows too


def alloc(shape, dtype):
    shape = tuple(int(d) for d in shape)
    if PTX_MODE:  # ones: read-back counts and flags then take every kernel's path
        return np.ones(shape, np.dtype(dtype)).view(HostArray)
    return cuda.device_array(shape, np.dtype(dtype))


def run(build, *arrays):
    """Build ``build(*placeholders)`` in a fresh graph; returns (launcher outputs, reference
    outputs) for its op, given ``arrays`` for the placeholders."""
    with gf.Graph().as_default():
        phs = [gf.placeholder(gf.as_dtype(a.dtype), a.shape) for a in arrays]
        out = build(*phs)
    op = out.op if isinstance(out, gf.Tensor) else out[0].op
    feeds = dict(zip(phs, arrays))
    values = [feeds[t] if t in feeds else base.static_value(t) for t in op.inputs]
    expected = op.opdef.reference(*values, **op._attrs)
    expected = list(expected) if isinstance(expected, (tuple, list)) else [expected]
    host = op.opdef.shape_inputs
    args = [np.asarray(v) if i in host else cuda.to_device(np.array(v, order="C"))
            for i, v in enumerate(values)]
    outputs = cuda_kernels.LAUNCHERS[op.opdef](op, args, alloc)
    if op.opdef.same_elements and not PTX_MODE and args[0].size:  # a view of input 0
        assert cuda_env.address(outputs[0]) == cuda_env.address(args[0]), op
    return [d.copy_to_host() for d in outputs], [np.asarray(e) for e in expected]


def check(build, *arrays, rtol=1e-5, atol=1e-6):
    if PTX_MODE:
        try:
            run(build, *arrays)
        except (ValueError, IndexError):  # from a read-back of memory no kernel wrote
            pass
        return
    got, expected = run(build, *arrays)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g.shape == e.shape and g.dtype == e.dtype, (g.shape, e.shape, g.dtype, e.dtype)
        np.testing.assert_allclose(g, e, rtol=rtol, atol=atol)


def randn(*shape, dtype=np.float32):
    return np.asarray(rng.standard_normal(shape), dtype)


# -- reductions -----------------------------------------------------------------------------

REDUCTIONS = [gf.reduce_sum, gf.reduce_mean, gf.reduce_max, gf.reduce_min, gf.reduce_prod]


@pytest.mark.parametrize("fn", REDUCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("axis, keepdims", [(0, True), (1, False), (2, False), ((0, 2), True),
                                            (None, False)])
def test_float_reductions_over_leading_middle_trailing_axes(fn, axis, keepdims):
    x = randn(2, 3, 37)
    check(lambda t: fn(t, axis=axis, keepdims=keepdims), x, rtol=1e-4)


@pytest.mark.parametrize("columns", [True, False])
def test_reductions_over_leading_axes_by_thread_or_by_block(columns, monkeypatch):
    monkeypatch.setattr(cuda_reduce, "COLUMN_MIN_OUTPUTS", 1 if columns else 1000)
    check(lambda t: gf.reduce_sum(t, axis=0), randn(20, 3), rtol=1e-5)
    check(lambda t: gf.reduce_max(t, axis=(0, 1)), randn(5, 4, 3))


@pytest.mark.parametrize("fn", [gf.reduce_sum, gf.reduce_mean, gf.reduce_max, gf.reduce_prod])
def test_int_reductions_truncate_as_the_reference(fn):
    x = rng.integers(-4, 5, (3, 8)).astype(np.int32)
    check(lambda t: fn(t, axis=1), x)
    check(lambda t: fn(t, axis=0), x)


@pytest.mark.parametrize("fn", [gf.reduce_any, gf.reduce_all])
def test_bool_reductions(fn):
    x = rng.random((4, 9)) < 0.3
    x[0] = True
    check(lambda t: fn(t, axis=1), x)
    check(lambda t: fn(t, axis=0, keepdims=True), x)


def test_max_propagates_nan_and_empty_reductions_give_the_identity():
    x = randn(3, 6)
    x[1, 2] = np.nan
    check(lambda t: gf.reduce_max(t, axis=1), x)
    check(lambda t: gf.reduce_min(t, axis=0), x)
    check(lambda t: gf.reduce_max(t, axis=1), np.zeros((3, 0), np.float32))
    check(lambda t: gf.reduce_mean(t, axis=1), np.zeros((3, 0), np.float64))


@pytest.mark.parametrize("fn", [gf.argmax, gf.argmin])
def test_arg_reductions_pick_the_first_extreme(fn):
    x = rng.integers(0, 3, (5, 7)).astype(np.float32)
    check(lambda t: fn(t, axis=1), x)
    x[1, 3], x[1, 5], x[2, 0] = np.nan, np.nan, np.nan  # the first NaN wins, as np.argmax
    check(lambda t: fn(t, axis=1), x)
    check(lambda t: fn(t, axis=0, output_type=gf.int32), x)


def test_sum_to_shape_sums_broadcast_axes():
    from graphflow.ops.broadcast import sum_to

    check(lambda t: sum_to(t, [1, 3, 1]), randn(2, 4, 3, 5))
    check(lambda t: sum_to(t, [5]), randn(4, 5))


# -- matmul ---------------------------------------------------------------------------------

@pytest.mark.parametrize("transpose_a", [False, True])
@pytest.mark.parametrize("transpose_b", [False, True])
def test_matmul_ragged_sizes_and_transposes(transpose_a, transpose_b):
    m, k, n = 37, 19, 45  # no multiple of any tile size
    a = randn(*((k, m) if transpose_a else (m, k)))
    b = randn(*((n, k) if transpose_b else (k, n)))
    check(lambda x, y: gf.matmul(x, y, transpose_a=transpose_a, transpose_b=transpose_b),
          a, b, rtol=1e-4, atol=1e-5)


def test_matmul_67x33_by_33x129_float64():
    check(gf.matmul, randn(67, 33, dtype=np.float64), randn(33, 129, dtype=np.float64),
          rtol=1e-12, atol=1e-12)


def test_matmul_broadcasts_batch_axes(monkeypatch):
    check(gf.matmul, randn(2, 1, 5, 3), randn(3, 3, 4), rtol=1e-5)
    monkeypatch.setattr(cuda_matmul, "MAX_GRID_Z", 4)  # batches in several launches
    check(gf.matmul, randn(2, 1, 5, 3), randn(3, 3, 4), rtol=1e-5)
    check(lambda x, y: gf.matmul(x, y, transpose_b=True), randn(2, 5, 6), randn(3, 6),
          rtol=1e-5)


def test_matmul_empty_inner_dimension_gives_zeros():
    check(gf.matmul, randn(3, 0), randn(0, 4))


def test_gpu_tile_shapes_on_one_block(monkeypatch):
    """The GPU's tile shapes (128x128 with 8x8 per thread; 64x64 with 4x4 for small grids),
    on a ragged problem of one block."""
    monkeypatch.setattr(cuda_matmul, "TILE", cuda_matmul.Tile(128, 128, 8, 8, 8))
    check(gf.matmul, randn(9, 10), randn(10, 7), rtol=1e-5)
    monkeypatch.setattr(cuda_matmul, "SMALL_TILE", cuda_matmul.Tile(64, 64, 8, 4, 4))
    monkeypatch.setattr(cuda_matmul, "FULL_GRID", 2)
    check(gf.matmul, randn(9, 10), randn(10, 7), rtol=1e-5)


# -- convolution and pooling ----------------------------------------------------------------

CONV_CASES = [  # (input shape, filter shape, strides, padding, dilations)
    ((2, 7, 6, 3), (3, 3, 3, 4), (2, 2), "SAME", (1, 1)),
    ((1, 6, 7, 2), (2, 3, 2, 3), (1, 2), "VALID", (1, 1)),
    ((1, 7, 7, 2), (3, 2, 2, 2), (1, 1), ((1, 2), (0, 1)), (2, 1)),
    ((2, 3, 4, 5), (1, 1, 5, 3), (1, 1), "SAME", (1, 1)),  # pointwise: no im2col
    ((1, 3, 4, 2), (1, 1, 2, 3), (1, 1), ((0, 1), (1, 0)), (1, 1)),  # 1x1, padded
]


@pytest.mark.parametrize("x_shape, f_shape, strides, padding, dilations", CONV_CASES)
def test_conv2d_and_its_backprops(x_shape, f_shape, strides, padding, dilations):
    attrs = dict(strides=strides, padding=padding, dilations=dilations)
    x, f = randn(*x_shape), randn(*f_shape)
    check(lambda a, b: conv.CONV2D(a, b, **attrs), x, f, rtol=1e-4, atol=1e-5)
    y_shape = conv.CONV2D(gf.constant(x), gf.constant(f), **attrs).shape.as_list()
    g = randn(*y_shape)
    check(lambda b, c: conv.CONV2D_BACKPROP_INPUT(gf.constant(x_shape), b, c, **attrs), f, g,
          rtol=1e-4, atol=1e-5)
    check(lambda a, c: conv.CONV2D_BACKPROP_FILTER(a, gf.constant(f_shape), c, **attrs), x, g,
          rtol=1e-4, atol=1e-5)


POOL_CASES = [((2, 2), (2, 2), "VALID"), ((3, 3), (2, 2), "SAME"), ((2, 3), (1, 2), "SAME")]


@pytest.mark.parametrize("ksize, strides, padding", POOL_CASES)
def test_pooling_and_its_gradients(ksize, strides, padding):
    attrs = dict(ksize=ksize, strides=strides, padding=padding)
    x = rng.integers(0, 4, (2, 5, 6, 2)).astype(np.float32)  # ties: first max wins
    check(lambda a: conv.MAX_POOL(a, **attrs), x)
    check(lambda a: conv.AVG_POOL(a, **attrs), x, rtol=1e-5)
    y = conv.MAX_POOL.reference(x, **attrs)
    g = randn(*y.shape)
    check(lambda a, b, c: conv.MAX_POOL_GRAD(a, b, c, **attrs), x, y, g)
    check(lambda a, b, c: conv.MAX_POOL_GRAD_GRAD(a, b, c, **attrs), x, y, randn(*x.shape))
    check(lambda c: conv.AVG_POOL_GRAD(gf.constant(x.shape), c, **attrs), g, rtol=1e-5)


def test_max_pool_of_ints():
    x = rng.integers(-50, 50, (1, 4, 4, 3)).astype(np.int32)
    check(lambda a: conv.MAX_POOL(a, ksize=(3, 3), strides=(2, 2), padding="SAME"), x)


# -- index-driven ops -------------------------------------------------------------------------

@pytest.mark.parametrize("axis", [0, 1, 2])
def test_gather_and_scatter_add(axis):
    params = randn(4, 3, 5)
    indices = rng.integers(0, params.shape[axis], (2, 3)).astype(np.int32)
    check(lambda p, i: gf.gather(p, i, axis=axis), params, indices)
    updates_shape = params.shape[:axis] + indices.shape + params.shape[axis + 1:]
    check(lambda u, i: gather.scatter_add(u, i, list(params.shape), axis=axis),
          randn(*updates_shape), indices, rtol=1e-5)


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_one_hot(axis):
    indices = rng.integers(-1, 5, (3, 4)).astype(np.int64)
    check(lambda i: gf.one_hot(i, 4, axis=axis), indices)
    check(lambda i: gf.one_hot(i, 3, on_value=7, off_value=-2, dtype=gf.int32), indices)


def test_check_indices_passes_good_ones():
    good = rng.integers(0, 6, (3, 5)).astype(np.int32)
    check(lambda i: gather.check_indices(i, 6), good)


@pytest.mark.skipif(PTX_MODE, reason="needs kernels that run")
def test_check_indices_names_the_first_bad_one():
    bad = rng.integers(0, 6, (3, 5)).astype(np.int32)
    bad[1, 2], bad[2, 0] = 9, -1
    with pytest.raises(ValueError, match=r"index 9 is outside the valid range \[0, 6\)"):
        run(lambda i: gather.check_indices(i, 6), bad)


def test_check_indices_with_a_limit_per_coordinate_passes_good_rows():
    good = np.stack([rng.integers(0, n, (3, 4)) for n in (2, 5, 3)], axis=-1).astype(np.int64)
    check(lambda i: gather.check_indices(i, np.array([2, 5, 3], np.int64), "rows"), good)


@pytest.mark.skipif(PTX_MODE, reason="needs kernels that run")
def test_check_indices_with_a_limit_per_coordinate_names_the_first_bad_row():
    rows = np.zeros((3, 4, 3), np.int32)
    rows[1, 2] = [1, 4, 3]  # 3 is not below the last limit; 4 is below the middle one
    rows[2, 0] = [-1, 0, 0]
    with pytest.raises(ValueError, match=r"rows\[1, 2\] = \[1, 4, 3\] does not index into "
                                         r"shape \[2, 5, 3\]"):
        run(lambda i: gather.check_indices(i, np.array([2, 5, 3], np.int32), "rows"), rows)


@pytest.mark.parametrize("shape", [(7,), (3, 5), (2, 3, 4)])
def test_where_lists_true_coordinates_in_order(shape, monkeypatch):
    from graphflow.backends.cuda import index as cuda_index

    monkeypatch.setattr(cuda_index, "WHERE_CHUNK", 4)  # several chunks
    cond = rng.random(shape) < 0.4
    check(gather.where_indices, cond)
    check(gather.where_indices, np.zeros(shape, bool))


# -- movement ---------------------------------------------------------------------------------

def test_reshapes_are_views_of_their_input():
    x = randn(2, 3, 4)
    check(lambda t: gf.reshape(t, [4, -1]), x)
    check(lambda t: gf.expand_dims(t, 1), x)
    check(lambda t: gf.squeeze(t), randn(1, 3, 1))
    check(lambda t: gf.squeeze(t, [2]), randn(1, 3, 1))
    views = {opdef.type for opdef in cuda_kernels.LAUNCHERS if opdef.same_elements}
    assert views >= {"Reshape", "ExpandDims", "Squeeze", "CheckShape", "CheckIndices"}


@pytest.mark.parametrize("shape, perm", [((37, 45), None), ((2, 5, 33), (0, 2, 1)),
                                         ((2, 3, 4), (1, 2, 0)), ((3, 4, 2, 2), (3, 1, 0, 2))])
def test_transpose_tiled_and_generic(shape, perm):
    check(lambda t: gf.transpose(t, perm), randn(*shape))
    check(lambda t: gf.transpose(t, perm), rng.integers(0, 9, shape).astype(np.int64))


SLICES = st.one_of(
    st.integers(-3, 2).map(lambda i: ("index", i)),
    st.tuples(st.none() | st.integers(-5, 5), st.none() | st.integers(-5, 5),
              st.sampled_from([None, 1, 2, -1, -2])).map(lambda t: ("slice",) + t),
    st.just(("newaxis",)))


@settings(max_examples=15, deadline=None)
@given(st.lists(SLICES, min_size=1, max_size=3), st.booleans())
def test_strided_slice_and_its_gradient(items, ellipsis):
    spec = tuple(items[:1]) + ((("ellipsis",),) if ellipsis else ()) + tuple(items[1:])
    x = randn(3, 4, 5)
    check(lambda t: STRIDED_SLICE(t, spec=spec), x)
    g = randn(*x[indexing_key(spec)].shape)
    check(lambda t: STRIDED_SLICE_GRAD(t, gf.constant(x.shape), spec=spec), g)


def indexing_key(spec):
    from graphflow.ops.indexing import _numpy_key

    return _numpy_key(spec)


def test_joins_and_splits():
    a, b, c = randn(2, 3, 4), randn(2, 1, 4), randn(2, 5, 4)
    check(lambda *t: gf.concat(t, axis=1), a, b, c)
    check(lambda *t: gf.concat(t, axis=-1), a, randn(2, 3, 2))
    for axis in (0, 1, 3):
        check(lambda *t, axis=axis: gf.stack(t, axis=axis), a, randn(2, 3, 4))
    for axis in (0, 2):
        check(lambda t, axis=axis: gf.unstack(t, axis=axis), a)
    check(lambda t: gf.split(t, 2, axis=2), a)
    check(lambda t: gf.split(t, [1, -1, 1], axis=1), randn(2, 5, 3))
    check(lambda t: movement.split_v(t, gf.constant([2, 1, 2]), 1), randn(2, 5, 3))


def test_tile_and_broadcast_to():
    from graphflow.ops.broadcast import broadcast_to

    x = randn(2, 1, 3)
    check(lambda t: gf.tile(t, [2, 3, 1]), x)
    check(lambda t: broadcast_to(t, [4, 2, 5, 3]), x)
    check(lambda t: broadcast_to(t, [3]), np.float64(2.5).reshape(()))


@settings(max_examples=12, deadline=None)
@given(st.sampled_from(["CONSTANT", "REFLECT", "SYMMETRIC"]),
       st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=2, max_size=2))
def test_pad_modes(mode, pads):
    x = randn(3, 4)
    limit = 2 if mode == "REFLECT" else 3  # TF1's limits: REFLECT pads < dim, SYMMETRIC <=
    pads = [(min(b, limit), min(e, limit)) for b, e in pads]
    check(lambda t: gf.pad(t, pads, mode=mode, constant_values=1.5), x)


# -- PTX for the real target --------------------------------------------------------------------

def _nvvm_available():
    try:
        from numba.cuda.cudadrv import nvvm

        return nvvm.NVVM().is_nvvm70 is not None
    except Exception:
        return False


@pytest.mark.skipif(PTX_MODE, reason="this is the driver of PTX mode")
def test_kernels_compile_to_ptx():
    """Every kernel, with the argument types of these tests, compiles for sm_90 (warp
    shuffles and the default 128x128 matmul tiles included)."""
    probe = subprocess.run([sys.executable, "-c", "from numba.cuda.cudadrv import nvvm; "
                            "nvvm.NVVM()"], env={**os.environ, "NUMBA_ENABLE_CUDASIM": "0"},
                           capture_output=True)
    if probe.returncode:
        pytest.skip("NVVM is missing (pip install 'numba-cuda[cu13]')")
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "0", "GRAPHFLOW_CUDA_PTX": "1"}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                           __file__, "-k", "not ptx"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def test_float16_kernels():
    """float16, computed in float32 or wider and rounded once; the references of matmul and
    sum accumulate in float16 itself, hence a tolerance of a few float16 ulps."""
    h, tol = np.float16, dict(rtol=1e-2, atol=1e-2)
    check(gf.matmul, randn(9, 13, dtype=h), randn(13, 6, dtype=h), **tol)
    check(lambda t: gf.reduce_sum(t, axis=1), randn(3, 9, dtype=h), **tol)
    check(lambda t: gf.reduce_max(t, axis=0), randn(3, 9, dtype=h))
    x, f = randn(1, 5, 5, 2, dtype=h), randn(3, 3, 2, 2, dtype=h)
    attrs = dict(strides=(2, 2), padding="SAME", dilations=(1, 1))
    check(lambda a, b: conv.CONV2D(a, b, **attrs), x, f, **tol)
    pool = dict(ksize=(2, 2), strides=(2, 2), padding="SAME")
    check(lambda a: conv.MAX_POOL(a, **pool), x)
    check(lambda a: conv.AVG_POOL(a, **pool), x, **tol)
    check(lambda t: gf.transpose(t), randn(5, 7, dtype=h))
