"""squared_difference, nn.xw_plus_b, arg_max/arg_min, the norm clippings, gather_nd,
scatter_nd, sparse_to_dense and ``tf.math``: TF1's numbers (``tf1_programs/
ops_extras_expected.py``, with a training loop that clips its gradients), then what TF1
refuses, names and static shapes. Values against NumPy on every backend are rows of
tests/op_cases.py, gradients against finite differences rows of tests/grad_cases.py."""

import numpy as np
import pytest
import tf1_runner

import graphflow as gf

BACKENDS = ["numpy", "numba"]

# -- TF1's numbers ------------------------------------------------------------------------------

PROGRAM = "ops_extras_expected.py"


@pytest.mark.parametrize("backend", BACKENDS)
def test_tf1_numbers(backend):
    """Every function with its gradients, int results, a zero norm, None entries of a
    clipped list, batch_dims, repeated rows, and six steps of Momentum on gradients clipped
    by global norm (a None gradient skipped): TF1's values."""
    got = tf1_runner.compute(PROGRAM, backend)
    assert sorted(got) == sorted(TF1_EXPECTED)
    for name, (shape, values) in TF1_EXPECTED.items():
        expected = np.array(values, np.float32).reshape(shape)
        assert np.asarray(got[name]).dtype == np.float32, name
        np.testing.assert_allclose(got[name], expected, rtol=2e-5, atol=1e-6, err_msg=name)


@pytest.fixture(autouse=True)
def fresh_graph():
    gf.reset_default_graph()


def run(fetches, feed=None, backend="numba"):
    with gf.Session(backend=backend) as sess:
        return sess.run(fetches, feed)


# -- argmax / arg_max ---------------------------------------------------------------------------

def test_argmax_refuses_both_axis_and_dimension_and_arg_max_needs_a_dimension():
    x = gf.constant([[1.0, 3.0], [4.0, 2.0]])
    with pytest.raises(gf.errors.InvalidArgumentError, match="both 'dimension' and 'axis'"):
        gf.argmax(x, axis=1, dimension=1)
    with pytest.raises(TypeError):
        gf.arg_max(x)  # noqa (TF1's arg_max has no default axis)
    y = gf.arg_min(x, 1, name="smallest")
    assert y.op.name == "smallest" and y.dtype == gf.int64
    assert run(y).tolist() == [0, 1]


# -- clipping -----------------------------------------------------------------------------------

def test_clip_by_global_norm_keeps_nones_and_names_its_outputs():
    a, b = gf.constant([3.0, 4.0]), gf.constant([[12.0]])
    clipped, norm = gf.clip_by_global_norm((a, None, b), 6.5)  # a tuple is a list too
    assert clipped[1] is None and len(clipped) == 3
    assert [t.op.name for t in (clipped[0], clipped[2])] == [
        "clip_by_global_norm/clip_by_global_norm_0", "clip_by_global_norm/clip_by_global_norm_2"]
    assert norm.op.name == "global_norm/global_norm"
    first, last, n = run([clipped[0], clipped[2], norm])
    assert n == 13.0
    np.testing.assert_allclose(first, [1.5, 2.0])
    np.testing.assert_allclose(last, [[6.0]])


@pytest.mark.parametrize("bad", [np.inf, np.nan])
def test_an_infinite_or_nan_global_norm_makes_every_clipped_tensor_nan(bad):
    clipped, norm = gf.clip_by_global_norm([gf.constant([1.0, 2.0]), gf.constant([bad])], 1.0)
    values, n = run([clipped, norm])
    assert np.isnan(values[0]).all() and np.isnan(values[1]).all()
    assert np.isinf(n) if bad == np.inf else np.isnan(n)


def test_global_norm_of_nothing_is_zero_and_clip_by_norm_of_zeros_has_a_finite_gradient():
    assert run(gf.global_norm([None])) == 0.0
    z = gf.zeros([3])
    (g,) = gf.gradients(gf.reduce_sum(gf.clip_by_norm(z, 1.0)), [z])
    assert run(g).tolist() == [1.0, 1.0, 1.0]  # TF1's guarded sqrt


def test_clipping_refuses_what_tf1_refuses():
    t = gf.constant([1.0, 2.0])
    for bad in (t, (x for x in [t])):
        with pytest.raises(gf.errors.DTypeError, match="should be a list or tuple"):
            gf.clip_by_global_norm(bad, 1.0)
    with pytest.raises(gf.errors.DTypeError, match="global_norm needs a floating tensor"):
        gf.global_norm([gf.constant([1, 2])])
    with pytest.raises(gf.errors.DTypeError, match="clip_by_norm needs a floating tensor"):
        gf.clip_by_norm([3, 4], 1)
    with pytest.raises(gf.errors.DTypeError):  # one dtype for the whole list, as TF1
        gf.global_norm([t, gf.constant([1.0], gf.float64)])


def test_clipping_keeps_unknown_shapes():
    x = gf.placeholder(gf.float32)
    assert gf.clip_by_norm(x, 1.0).shape.ndims is None
    (c,), n = gf.clip_by_global_norm([x], 1.0)
    assert c.shape.ndims is None and n.shape.as_list() == []
    out = run(c, {x: np.full((2, 2), 3.0, np.float32)})
    np.testing.assert_allclose(out, np.full((2, 2), 0.5))


# -- gather_nd, scatter_nd, sparse_to_dense ----------------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
def test_a_row_outside_the_shape_fails_the_run_naming_the_row(backend):
    params = gf.placeholder(gf.float32, [None, None])
    indices = gf.placeholder(gf.int32, [None, None, 2])
    y = gf.gather_nd(params, indices)
    feed = {params: np.zeros((2, 3), np.float32), indices: [[[1, 2]], [[0, 3]]]}
    with pytest.raises(gf.errors.InvalidArgumentError,
                       match=r"gather_nd's indices\[1, 0\] = \[0, 3\] does not index into "
                             r"shape \[2, 3\]"):
        run(y, feed, backend)
    feed[indices] = [[[1, 2]], [[-1, 0]]]
    with pytest.raises(gf.errors.InvalidArgumentError, match=r"\[-1, 0\] does not index"):
        run(y, feed, backend)
    s = gf.scatter_nd(gf.placeholder_with_default([[4]], [None, 1]), [1.0], [4])
    with pytest.raises(gf.errors.InvalidArgumentError,
                       match=r"scatter_nd's indices\[0\] = \[4\] does not index into shape \[4\]"):
        run(s, backend=backend)


def test_gather_nd_batch_sizes_are_compared_at_run_time():
    params = gf.placeholder(gf.float32, [None, 3])
    indices = gf.placeholder(gf.int32, [None, 1, 1])
    y = gf.gather_nd(params, indices, batch_dims=1)
    assert y.shape.as_list() == [None, 1]
    out = run(y, {params: np.arange(6.0).reshape(2, 3), indices: [[[2]], [[0]]]})
    assert out.tolist() == [[2.0], [3.0]]
    with pytest.raises(gf.errors.InvalidArgumentError, match="batch size of indices differing"):
        run(y, {params: np.zeros((2, 3)), indices: np.zeros((3, 1, 1), np.int32)})


def test_gather_nd_refuses_what_tf1_refuses_while_building():
    m = gf.constant([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(gf.errors.ShapeError, match="3 coordinates, more than the 2 axes"):
        gf.gather_nd(m, [[1, 0, 0]])
    with pytest.raises(gf.errors.ShapeError, match="at least a vector"):
        gf.gather_nd(3.0, gf.zeros([2, 0], gf.int32))
    with pytest.raises(gf.errors.InvalidArgumentError, match="batch_dims must be an int >= 0"):
        gf.gather_nd(m, [[[1]], [[0]]], batch_dims=-1)
    with pytest.raises(gf.errors.DTypeError, match="int32 or int64 indices"):
        gf.gather_nd(m, [[1.0, 0.0]])
    with pytest.raises(gf.errors.ShapeError, match="batch axes of params"):
        gf.gather_nd(m, gf.zeros([3, 1, 1], gf.int32), batch_dims=1)


def test_gather_nd_and_scatter_nd_static_shapes_are_tf1s():
    ph = gf.placeholder
    rows = ph(gf.int32, [None, 2])
    assert gf.gather_nd(ph(gf.float32, [3, 4, 5]), rows).shape.as_list() == [None, 5]
    assert gf.gather_nd(ph(gf.float32, [None, 4, None]), rows).shape.as_list() == [None, None]
    assert gf.gather_nd(ph(gf.float32), rows).shape.ndims is None
    assert gf.gather_nd(ph(gf.float32, [3, 4, 5]), ph(gf.int32, [None, None])).shape.ndims is None
    y = gf.gather_nd(ph(gf.float32, [3, 4, 5]), ph(gf.int32, [2, 3, 2]), name="foo")
    assert y.shape.as_list() == [2, 3, 5] and y.op.name == "foo"
    updates = ph(gf.float32, [None])
    assert gf.scatter_nd(ph(gf.int32, [None, 1]), updates, [5]).shape.as_list() == [5]
    assert gf.scatter_nd(ph(gf.int32, [None, 1]), updates,
                         ph(gf.int32, [1])).shape.as_list() == [None]
    assert gf.scatter_nd(ph(gf.int32, [None, 1]), updates, ph(gf.int32, [None])).shape.ndims \
        is None
    with pytest.raises(gf.errors.ShapeError, match="scatter_nd's updates"):
        gf.scatter_nd([[0], [2]], [1.0, 2.0, 3.0], [3])


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("indices, values, validate, match", [
    ([[0], [0], [2]], [1.0, 2.0, 3.0], True, r"sparse_indices\[1\] = \[0\] is repeated"),
    ([[2], [0]], [1.0, 2.0], True, r"sparse_indices\[1\] = \[0\] is out of order"),
    ([[5]], [1.0], False, r"sparse_indices\[0\] = \[5\] is out of bounds: need 0 <= index < \[4\]"),
    ([[-1]], [1.0], False, r"\[-1\] is out of bounds"),
    ([[0], [1]], [1.0, 2.0, 3.0], True, r"sparse_values has shape \[3\], should be \[\] or \[2\]"),
    ([[0, 1]], [1.0], True, "output_shape has 1 elements, but the rows of sparse_indices have 2"),
])
def test_sparse_to_dense_checks_its_rows_at_run_time(backend, indices, values, validate, match):
    i = gf.placeholder(gf.int32, [None, None])
    y = gf.sparse_to_dense(i, [4], values, validate_indices=validate)
    with pytest.raises(gf.errors.InvalidArgumentError, match=match):
        run(y, {i: indices}, backend)


def test_sparse_to_dense_without_checks_lets_the_last_repeated_row_win():
    y = gf.sparse_to_dense([[1], [0], [1], [1]], [4], [1.0, 2.0, 3.0, 4.0],
                           validate_indices=False)
    assert run(y).tolist() == [2.0, 4.0, 0.0, 0.0]  # TF1's CPU kernel gives the same


def test_sparse_to_dense_shapes_dtypes_and_gradient_with_indices_of_unknown_rank():
    assert gf.sparse_to_dense([[0], [2]], [4], [1.0, 2.0], 3.0).shape.as_list() == [4]
    assert gf.sparse_to_dense([[0, 1]], gf.placeholder(gf.int32, [2]), 1.0).shape.as_list() == [
        None, None]
    with pytest.raises(gf.errors.DTypeError, match="expected a float32 tensor"):
        gf.sparse_to_dense([0], [2], gf.constant([1.0]), gf.constant(0, gf.int32))
    i = gf.placeholder(gf.int64)  # no rank: the gradient reshapes them into rows itself
    v, d = gf.constant([1.0, 2.0]), gf.constant(0.5)
    y = gf.sparse_to_dense(i, [2, 3], v, d)
    gv, gd = gf.gradients(gf.reduce_sum(y * np.arange(6.0).reshape(2, 3)), [v, d])
    values, default = run([gv, gd], {i: [[0, 1], [1, 2]]})
    assert values.tolist() == [1.0, 5.0] and default == 9.0


# -- the tf.math module -------------------------------------------------------------------------

def test_math_names_are_graphflows_functions():
    names = [n for n in dir(gf.math) if not n.startswith("_") and callable(getattr(gf.math, n))]
    for name in names:  # the same function as gf.<name> or gf.nn.<name>, under TF1's name
        fn = getattr(gf.math, name)
        same = getattr(gf, name, None) or getattr(gf.nn, name)
        assert getattr(fn, "__wrapped__", fn) is getattr(same, "__wrapped__", same), name
    x = gf.constant([[1.0, -2.0, 3.0]])
    assert run(gf.math.squared_difference(x, 1.0)).tolist() == [[0.0, 9.0, 4.0]]


# generated by tests/tf1_programs/ops_extras_expected.py with TensorFlow 2.21.0
TF1_EXPECTED = {
    'arg_max': ([3], [3, 2, 1]),
    'arg_min': ([4], [0, 1, 0, 2]),
    'argmax_dimension': ([3], [3, 2, 1]),
    'clip_by_average_norm': ([3, 4], [-0.516397774, 0.206559107, -0.206559107, 0.516397774, 0.103279553, -0.309838653, 0.413118213, 0, -0.413118213, 0.309838653, -0.103279553, -0.516397774]),
    'clip_by_average_norm/d0': ([3, 4], [-0.445128798, 0.0225886256, -0.441142559, 0.0265748501, -0.43715629, 0.235187486, -0.43317017, 0.239173681, -0.224557519, 0.243159935, -0.22057128, 0.451772541]),
    'clip_by_global_norm': ([16], [-0.736405015, 0.294562012, -0.294562012, 0.736405015, 0.147281006, -0.441843033, 0.589124024, 0, -0.589124024, 0.441843033, -0.147281006, -0.736405015, -0.747734368, -0.12462239, 0.498489559, -0.498489559]),
    'clip_by_global_norm/d0': ([3, 4], [-0.727040291, 0.0691194609, -0.665995061, 0.130164683, -0.604949832, 0.280026585, -0.543904662, 0.341071784, -0.39404279, 0.402117044, -0.332997531, 0.551978946]),
    'clip_by_global_norm/d1': ([4], [-0.214811534, 0.603707671, -0.1978641, 0.709471762]),
    'clip_by_global_norm/norm': ([], [3.7034955]),
    'clip_by_global_norm_unclipped': ([3, 4], [-1.36363637, 0.545454562, -0.545454562, 1.36363637, 0.272727281, -0.818181813, 1.09090912, 0, -1.09090912, 0.818181813, -0.272727281, -1.36363637]),
    'clip_by_global_norm_use_norm': ([4], [-0.346153855, -0.057692308, 0.230769232, -0.230769232]),
    'clip_by_norm': ([3, 4], [-0.860662937, 0.344265193, -0.344265193, 0.860662937, 0.172132596, -0.516397774, 0.688530385, 0, -0.688530385, 0.516397774, -0.172132596, -0.860662937]),
    'clip_by_norm/d0': ([3, 4], [-0.741881371, 0.037647713, -0.735237598, 0.0442914516, -0.728593886, 0.391979098, -0.721950173, 0.398622811, -0.374262571, 0.405266583, -0.367618799, 0.752954245]),
    'clip_by_norm_axes': ([3, 4], [-0.656532168, 0.262612879, -0.262612879, 0.656532168, 0.196116135, -0.588348389, 0.784464538, 0, -0.560112059, 0.420084029, -0.140028015, -0.700140059]),
    'clip_by_norm_axes/d0': ([3, 4], [-0.20577693, -0.115339965, -0.416796595, -0.326359659, -0.620108068, -0.183412254, 0.0174677968, 0.454163671, -0.348119199, 0.362425476, -0.309969127, 0.557944417]),
    'clip_by_norm_unclipped': ([3, 4], [-1.36363637, 0.545454562, -0.545454562, 1.36363637, 0.272727281, -0.818181813, 1.09090912, 0, -1.09090912, 0.818181813, -0.272727281, -1.36363637]),
    'clip_by_norm_zeros': ([2, 2], [0, 0, 0, 0]),
    'gather_nd_batch': ([3, 1, 2], [0.882352948, -1.2352941, -0.352941185, 0.529411793, -0.529411793, 0.352941185]),
    'gather_nd_batch/d0': ([3, 4, 2], [0, 0, 0, 0, 0, 0, -1.42105258, 0.157894731, -1.26315784, 0.315789461, 0, 0, 0, 0, 0, 0, 0, 0, -1.10526311, 0.473684222, 0, 0, 0, 0]),
    'gather_nd_elements': ([2], [1.2352941, 0]),
    'gather_nd_elements/d0': ([3, 4, 2], [0, 0, 0, -1.42105258, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.157894731, 0]),
    'gather_nd_rows': ([3, 2], [-0.529411793, 0.352941185, 0.882352948, -1.2352941, -0.529411793, 0.352941185]),
    'gather_nd_rows/d0': ([3, 4, 2], [0, 0, 0, 0, 0, 0, -1.26315784, 0.315789461, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -2.52631569, 0.631578922, 0, 0, 0, 0]),
    'gather_nd_slices': ([2, 2, 4, 2], [-0.352941185, 0.529411793, 1.41176474, -0.70588237, 0.176470593, 1.05882359, -1.05882359, -0.176470593, -1.41176474, -0.529411793, 0.352941185, 1.2352941, -0.882352948, 0, 0.882352948, -1.2352941, 0.70588237, -1.41176474, -0.529411793, 0.352941185, 1.2352941, -0.882352948, 0, 0.882352948, 0.70588237, -1.41176474, -0.529411793, 0.352941185, 1.2352941, -0.882352948, 0, 0.882352948]),
    'gather_nd_slices/d0': ([3, 4, 2], [-0.789473712, 0.789473712, -0.631578922, 0.947368443, -0.473684222, 1.10526311, -0.315789461, 1.26315784, -1.42105258, 0.157894731, -1.26315784, 0.315789461, -1.10526311, 0.473684222, -0.947368443, 0.631578922, 0.315789491, 0.473684132, 0.631578922, -2.21052623, 0.947368443, -1.89473677, 1.26315784, -1.57894731]),
    'global_norm': ([], [3.7034955]),
    'global_norm/d0': ([3, 4], [0.523235142, -0.209294066, 0.209294066, -0.523235142, -0.104647033, 0.313941091, -0.418588132, -0, 0.418588132, -0.313941091, 0.104647033, 0.523235142]),
    'global_norm/d1': ([4], [0.531284928, 0.0885474831, -0.354189932, 0.354189932]),
    'math.argmin': ([3], [0, 1, 3]),
    'math.floormod': ([3, 4], [0.0363636017, 0.545454562, 0.154545426, 0.663636386, 0.272727281, 0.581818163, 0.390909135, 0, 0.309090853, 0.118181825, 0.427272707, 0.0363636017]),
    'math.log_softmax': ([3, 4], [-3.2309804, -1.32188952, -2.41279864, -0.503707707, -1.4732945, -2.5642035, -0.655112565, -1.74602175, -2.37719417, -0.4681032, -1.55901229, -2.64992142]),
    'math.reduce_sum': ([3], [0, 0.545454621, -1.909091]),
    'math.rsqrt': ([3, 4], [0.650443614, 0.804399669, 0.804399669, 0.650443614, 0.886405289, 0.741619885, 0.691564083, 1, 0.691564083, 0.741619825, 0.886405289, 0.650443614]),
    'math.softplus': ([3, 4], [0.227716416, 1.00261235, 0.45715791, 1.5913527, 0.838779628, 0.365499079, 1.38052261, 0.693147182, 0.289613426, 1.18368089, 0.566052377, 0.227716416]),
    'scatter_nd': ([5, 2], [0.428571433, -1.28571427, -0.428571403, -0.857142866, 0, 0, 1.28571427, -0.428571433, 0, 0]),
    'scatter_nd/d0': ([4, 2], [-1.26315784, 0.315789461, -0.947368443, 0.631578922, -1.26315784, 0.315789461, -1.42105258, 0.157894731]),
    'sparse_to_dense': ([3, 4], [0.25, -1.28571427, 0.25, 0.25, -0.428571433, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.428571433]),
    'sparse_to_dense/d0': ([3], [0.157894731, -1.10526311, 0.947368443]),
    'sparse_to_dense/d1': ([], [-2.84210539]),
    'sparse_to_dense_scalar_value': ([3], [1.5, 0, 1.5]),
    'sparse_to_dense_unvalidated': ([4], [-0.428571433, -1, 0.428571433, -1]),
    'squared_difference': ([3, 4], [0.000440120406, 0.602523327, 2.15658474, 5.22905779, 2.74678469, 0.345053554, 0.0281676464, 0.852070987, 0.0862633884, 1.10029829, 1.42994773, 0.194092631]),
    'squared_difference/d0': ([3, 4], [-0.059624657, 0.245123282, 3.70997405, 1.44423997, -3.66359949, -0.556496143, -0.317997843, 1.1659919, -0.463746816, 1.65623856, 1.51048946, -0.834744215]),
    'squared_difference/d1': ([4], [4.18697119, -1.34486568, -4.90246582, -1.77548766]),
    'squared_difference_int': ([3], [4, 9, 49]),
    'xw_plus_b': ([2, 4], [-0.51932776, 0.680672288, 1.88067234, -3.77647066, 0.463865519, -1.73949587, 2.48571444, -0.146218479]),
    'xw_plus_b/d0': ([2, 3], [3.2043345, -2.11764693, 1.08668721, 3.2043345, -1.7832818, 0.80804956]),
    'xw_plus_b/d1': ([3, 4], [2.30075169, -0.406015038, 2.03007507, -0.676691651, -0.947368383, 0.406015038, -0.812030077, 0.541353345, -0.87969923, -0.203007534, -0.812029958, -0.135338336]),
    'xw_plus_b/d2': ([4], [-2.52631569, 0.631578922, -2.21052623, 0.947368383]),
    'train/loss': ([6], [25.2098045, 24.4660664, 23.086689, 21.1956348, 18.9249382, 16.4088402]),
    'train/norm': ([6], [7.49861574, 7.3761797, 7.1438489, 6.81320286, 6.39498329, 5.89926672]),
    'train/w': ([3, 2], [-3.44578767, 1.37654901, -1.37356651, 3.07252669, 0.106527418, -1.47619081]),
    'train/b': ([2], [-0.349439383, 0.0525059998]),
    'train/unused': ([2], [1, 2]),
}
