"""gf.image: TF1's numbers for every deterministic function (known and unknown shapes, both
backends), static shapes, errors at the user's line, and the random functions' ranges,
distributions and seeding (TF1's rules, not its bits)."""

import os
import runpy

import numpy as np
import pytest
import tf1_runner

import graphflow as gf

BACKENDS = ["numpy", "numba"]
PROGRAM = "image_program.py"
TF1_EXPECTED = runpy.run_path(os.path.join(tf1_runner.PROGRAMS, "image_values.py"))[
    "TF1_EXPECTED"]


@pytest.fixture(autouse=True)
def fresh_graph():
    gf.reset_default_graph()


# -- TF1's numbers ------------------------------------------------------------------------------

def _compare(got, unknown_shapes=False):
    assert sorted(got) == sorted(TF1_EXPECTED)
    for name, (shape, dtype, values) in TF1_EXPECTED.items():
        value = np.asarray(got[name])
        if unknown_shapes and "/same_" in name and "nearest" not in name:
            # TF1 too returns images of the target size unchanged only when it sees that
            # while building; with unknown sizes it resizes them (to float32)
            dtype = "float32"
        assert value.dtype.name == dtype, name
        assert list(value.shape) == shape, name
        expected = np.array(values, np.float64).reshape(shape)
        if value.dtype.kind == "f":
            tol = 1e-3 if dtype == "float16" else 1e-5
            np.testing.assert_allclose(value, expected, rtol=tol, atol=tol, err_msg=name)
        else:
            np.testing.assert_array_equal(value, expected, err_msg=name)


@pytest.mark.parametrize("backend", BACKENDS)
def test_tf1_numbers(backend):
    """Resizing (each kernel, grid and direction, int and float images, 3-D and 4-D),
    flips, rotations, crops, pads, colour adjustments, dtype conversions and the gradients
    TF1 defines: TF1's values (its float32 arithmetic included: an aligned nearest-neighbour
    sample of 2.5 rounds up, and 11 * float32(26 / 22) is just below 13)."""
    _compare(tf1_runner.compute(PROGRAM, backend))


@pytest.mark.parametrize("backend", BACKENDS)
def test_tf1_numbers_with_unknown_shapes(backend):
    """The same program with every image's dims unknown while the graph is built: sizes,
    offsets and sampling positions are computed when it runs, with the same numbers."""
    _compare(tf1_runner.compute(PROGRAM, backend, True), unknown_shapes=True)


def _fetched(unknown_shapes):
    """(tensor, value) of everything the program fetches."""
    tf = tf1_runner.graphflow_as_tf("numpy")
    pairs = []

    class Recording(gf.Session):
        def run(self, fetches, *args, **kwargs):
            values = super().run(fetches, *args, **kwargs)
            pairs.extend(zip(fetches, values))
            return values

    tf.Session = lambda: Recording(backend="numpy")
    with gf.Graph().as_default():
        runpy.run_path(os.path.join(tf1_runner.PROGRAMS, PROGRAM))["compute"](tf, unknown_shapes)
    return pairs


def test_static_shapes():
    """With known inputs every result has its full static shape (TF1 leaves rot90's height
    and width unknown); with unknown dims the rank stays known and the dims compatible."""
    for t, value in _fetched(False):
        assert t.shape.as_list() == list(value.shape), t.name
    for t, value in _fetched(True):
        assert t.shape.ndims == value.ndim and t.shape.is_compatible_with(value.shape), t.name


# -- resizing -----------------------------------------------------------------------------------

IMAGE = np.arange(2 * 4 * 6 * 3, dtype=np.float32).reshape(2, 4, 6, 3) / 100


def _run(t, feed=None, backend="numpy"):
    with gf.Session(backend=backend) as sess:
        return sess.run(t, feed)


def test_resize_images_keeps_static_sizes_and_takes_tf2_method_names():
    x = gf.placeholder(gf.float32, [None, None, None, 3])
    y = gf.image.resize_images(x, [5, 7], method="nearest")
    assert y.shape.as_list() == [None, 5, 7, 3]
    same = gf.image.resize(IMAGE, [4, 6])
    assert same.op.type == "Const"  # images of the target size come back unchanged
    z = gf.image.resize_nearest_neighbor(IMAGE, [5, 7])
    np.testing.assert_array_equal(_run(y, {x: IMAGE}), _run(z))


def test_resize_size_known_only_at_run_time():
    size = gf.placeholder(gf.int32, [2])
    y = gf.image.resize_bilinear(IMAGE, size)
    assert y.shape.as_list() == [2, None, None, 3]
    np.testing.assert_allclose(_run(y, {size: [3, 9]}),
                               _run(gf.image.resize_bilinear(IMAGE, [3, 9])), rtol=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
def test_resize_of_the_same_size_is_the_identity(backend):
    for fn in (gf.image.resize_bilinear, gf.image.resize_bicubic, gf.image.resize_area,
               gf.image.resize_nearest_neighbor):
        np.testing.assert_allclose(_run(fn(IMAGE, [4, 6]), backend=backend), IMAGE, atol=1e-6)


def test_resize_errors_name_the_argument_and_line():
    image = gf.constant(IMAGE[0])
    with pytest.raises(gf.errors.InvalidArgumentError, match="(?s)4-D batch.*test_image.py"):
        gf.image.resize_bilinear(image, [3, 3])
    with pytest.raises(gf.errors.InvalidArgumentError, match="contains no shape"):
        gf.image.resize_images(gf.placeholder(gf.float32), [3, 3])
    with pytest.raises(gf.errors.InvalidArgumentError, match="must be positive"):
        gf.image.resize_images(image, [0, 3])
    with pytest.raises(gf.errors.InvalidArgumentError, match="2 elements"):
        gf.image.resize_images(image, [3, 3, 3])
    with pytest.raises(gf.errors.InvalidArgumentError, match="method 'lanczos3'"):
        gf.image.resize_images(image, [3, 3], method="lanczos3")
    with pytest.raises(gf.errors.InvalidArgumentError, match="align_corners must be False"):
        gf.image.resize_bicubic(IMAGE, [3, 3], align_corners=True, half_pixel_centers=True)


def test_float_sizes_offsets_and_turns_are_refused_and_run_time_sizes_checked():
    # int() truncated them silently (a crop at offset 1.5 took row 1; resize to [2.5, 3]
    # made 2 rows; rot90 by 1.5 turned once), where TF1 refuses floats; and a new size
    # fed at run time as 0 or -2 gave an empty image where TF1 fails the run
    image = gf.constant(IMAGE[0])
    for build in (lambda: gf.image.crop_to_bounding_box(image, 1.5, 0, 2, 3),
                  lambda: gf.image.pad_to_bounding_box(image, 0, 0, 6.0, 8),
                  lambda: gf.image.resize_images(image, [2.5, 3]),
                  lambda: gf.image.rot90(image, 1.5),
                  lambda: gf.image.resize_image_with_crop_or_pad(image, 3, 2.0),
                  lambda: gf.image.rot90(image, gf.constant(1.0))):
        with pytest.raises(gf.errors.DTypeError, match="(?s)images are ints.*test_image.py"):
            build()
    height = gf.placeholder(gf.int32, [])
    for resize in (gf.image.resize_images, gf.image.resize_bilinear):
        y = resize(IMAGE, gf.stack([height, 3]))
        assert _run(y, {height: 2}).shape == (2, 2, 3, 3)
        for bad in (0, -2):
            with pytest.raises(gf.errors.InvalidArgumentError, match="size must be positive"):
                _run(y, {height: bad})


# -- geometry -----------------------------------------------------------------------------------

def test_rot90_with_k_known_at_run_time():
    k = gf.placeholder(gf.int32, [])
    x = gf.placeholder(gf.float32, [None, None, None, 3])
    y = gf.image.rot90(x, k)
    with gf.Session() as sess:
        for turns in (0, 1, 2, 3, -1, 5):
            expected = np.rot90(IMAGE, turns, axes=(1, 2))
            np.testing.assert_array_equal(sess.run(y, {x: IMAGE, k: turns}), expected)
            np.testing.assert_array_equal(sess.run(gf.image.rot90(IMAGE[1], turns)),
                                          expected[1])


def test_images_of_unknown_rank():
    """Flips and rotations work on 3-D and 4-D values of a tensor of unknown rank; crops and
    pads take it for one 3-D image, as TF1 does."""
    u = gf.placeholder(gf.float32)
    flipped, turned = gf.image.flip_left_right(u), gf.image.rot90(u, 3)
    cropped = gf.image.crop_to_bounding_box(u, 1, 2, 2, 3)
    assert flipped.shape.ndims is None and cropped.shape.as_list() == [2, 3, None]
    with gf.Session() as sess:
        for value in (IMAGE, IMAGE[0]):
            np.testing.assert_array_equal(sess.run(flipped, {u: value}), value[..., ::-1, :])
            np.testing.assert_array_equal(sess.run(turned, {u: value}),
                                          np.rot90(value, 3, axes=(-3, -2)))
        np.testing.assert_array_equal(sess.run(cropped, {u: IMAGE[0]}), IMAGE[0, 1:3, 2:5])


def test_boxes_known_at_run_time():
    offset, size = gf.placeholder(gf.int32, []), gf.placeholder(gf.int32, [])
    crop = gf.image.crop_to_bounding_box(IMAGE, offset, 1, size, 4)
    padded = gf.image.pad_to_bounding_box(IMAGE, offset, 1, 7, size)
    centre = gf.image.central_crop(IMAGE, gf.placeholder_with_default(0.5, []))
    assert crop.shape.as_list() == [2, None, 4, 3] and padded.shape.as_list() == [2, 7, None, 3]
    with gf.Session() as sess:
        np.testing.assert_array_equal(sess.run(crop, {offset: 1, size: 2}), IMAGE[:, 1:3, 1:5])
        out = sess.run(padded, {offset: 2, size: 8})
        np.testing.assert_array_equal(out[:, 2:6, 1:7], IMAGE)
        out[:, 2:6, 1:7] = 0
        assert not out.any()
        np.testing.assert_array_equal(sess.run(centre), IMAGE[:, 1:3, 1:5])
        with pytest.raises(gf.errors.InvalidArgumentError,
                           match="crop_to_bounding_box: the box's row 4 is outside"):
            sess.run(crop, {offset: 2, size: 3})
        with pytest.raises(gf.errors.InvalidArgumentError, match="pad_to_bounding_box"):
            sess.run(padded, {offset: 4, size: 8})


def test_box_errors_while_building():
    image = gf.constant(IMAGE[0])
    with pytest.raises(gf.errors.InvalidArgumentError, match="height must be >= target"):
        gf.image.crop_to_bounding_box(image, 2, 0, 3, 3)
    with pytest.raises(gf.errors.InvalidArgumentError, match="offset_width must be >= 0"):
        gf.image.crop_to_bounding_box(image, 0, -1, 3, 3)
    with pytest.raises(gf.errors.InvalidArgumentError, match="width must be <= target"):
        gf.image.pad_to_bounding_box(image, 0, 2, 5, 7)
    with pytest.raises(gf.errors.InvalidArgumentError, match=r"within \(0, 1\]"):
        gf.image.central_crop(image, 0.0)
    with pytest.raises(gf.errors.ShapeError, match="3 dimensions"):
        gf.image.flip_up_down(gf.zeros([4, 4]))


# -- random functions ---------------------------------------------------------------------------

def _draws(t, runs, feed=None, seed_graph=None):
    with gf.Session() as sess:
        return [sess.run(t, feed) for _ in range(runs)]


def test_random_flips_pick_each_image_by_its_own_coin():
    gf.set_random_seed(3)
    batch = np.stack([IMAGE[0]] * 40)
    x = gf.placeholder(gf.float32, [None, 4, 6, 3])
    for fn, mirror in ((gf.image.random_flip_left_right, IMAGE[0][:, ::-1]),
                       (gf.image.random_flip_up_down, IMAGE[0][::-1])):
        y = fn(x, seed=5)
        assert y.shape.as_list() == [None, 4, 6, 3]
        first, second = _draws(y, 2, {x: batch})
        flipped = [bool(np.array_equal(img, mirror)) for img in first]
        assert all(f or np.array_equal(img, IMAGE[0]) for f, img in zip(flipped, first))
        assert 8 < sum(flipped) < 32  # about half, independently per image
        assert not np.array_equal(first, second)  # a new draw each run
        assert np.array_equal(first, _draws(y, 1, {x: batch})[0])  # a new session repeats


def test_random_flip_of_one_image_and_its_gradient():
    x = gf.constant(IMAGE[0])
    y = gf.image.random_flip_left_right(x)
    seen = {bool(np.array_equal(v, IMAGE[0])) for v in _draws(y, 30)}
    assert seen == {True, False}
    w = np.arange(18.0, dtype=np.float32).reshape(6, 3)
    (g,) = gf.gradients(gf.reduce_sum(y * w), [x])
    grads = {bool(np.array_equal(v, np.broadcast_to(w[::-1], v.shape))) for v in _draws(g, 30)
             if not np.array_equal(v, np.broadcast_to(w, v.shape))}
    assert grads == {True}  # w where the image was kept, w mirrored where it was flipped


def test_random_crop_is_a_block_at_every_possible_offset():
    value = np.arange(5 * 6, dtype=np.float32).reshape(5, 6)
    y = gf.image.random_crop(value, [3, 2], seed=1)
    assert y.shape.as_list() == [3, 2]
    corners = []
    for v in _draws(y, 400):
        r, c = divmod(int(v[0, 0]), 6)
        np.testing.assert_array_equal(v, value[r:r + 3, c:c + 2])
        corners.append((r, c))
    counts = np.bincount([r * 5 + c for r, c in corners], minlength=15)
    assert counts.min() > 10  # 3 x 5 offsets, each about 27 times
    gf.set_random_seed(1)
    seeded = gf.image.random_crop(value, [3, 2], seed=1)
    assert np.array_equal(_draws(seeded, 3), _draws(seeded, 3))


def test_random_crop_of_unknown_sizes():
    x = gf.placeholder(gf.float32, [None, None, 3])
    size = gf.placeholder(gf.int32, [3])
    y = gf.image.random_crop(x, size)
    assert y.shape.as_list() == [None, None, None]
    with gf.Session() as sess:
        out = sess.run(y, {x: IMAGE[0], size: [2, 5, 3]})
        assert out.shape == (2, 5, 3) and np.isin(out, IMAGE[0]).all()
        with pytest.raises(gf.errors.InvalidArgumentError, match="random_crop: a crop size exceeding"):
            sess.run(y, {x: IMAGE[0], size: [5, 5, 3]})


def test_random_colour_adjustments_stay_in_their_ranges():
    gf.set_random_seed(11)
    image = gf.constant(IMAGE[0])
    bright = gf.image.random_brightness(image, 0.25) - image
    deltas = np.array([v.mean() for v in _draws(bright, 200)])
    assert deltas.min() >= -0.25 and deltas.max() < 0.25 and abs(deltas.mean()) < 0.05
    contrast = gf.image.random_contrast(image, 0.5, 1.5)
    centred = IMAGE[0] - IMAGE[0].mean(axis=(0, 1))
    factors = [((v - IMAGE[0].mean(axis=(0, 1))) / centred).mean() for v in _draws(contrast, 50)]
    assert 0.5 <= min(factors) and max(factors) < 1.5 and np.std(factors) > 0.1
    for fn in (lambda i: gf.image.random_hue(i, 0.2), lambda i: gf.image.random_saturation(
            i, 0.3, 2.0)):
        values = _draws(fn(image), 10)
        assert all(v.min() >= -1e-6 and v.max() <= 1 + 1e-6 for v in values)
        assert not np.allclose(values[0], values[1])
    with pytest.raises(gf.errors.InvalidArgumentError, match="upper must be > lower"):
        gf.image.random_contrast(image, 0.5, 0.5)
    with pytest.raises(gf.errors.InvalidArgumentError, match="max_delta must be non-negative"):
        gf.image.random_brightness(image, -0.1)
    with pytest.raises(gf.errors.InvalidArgumentError, match=r"max_delta must be in \[0, 0.5\]"):
        gf.image.random_hue(image, 0.7)


# -- colour -------------------------------------------------------------------------------------

def test_hsv_round_trip_and_colour_errors():
    rgb = np.random.default_rng(0).uniform(0, 1, (2, 5, 3)).astype(np.float64)
    hsv = gf.image.rgb_to_hsv(rgb)
    assert hsv.dtype == gf.float64
    np.testing.assert_allclose(_run(gf.image.hsv_to_rgb(hsv)), rgb, atol=1e-12)
    for space in ("yiq", "yuv"):
        there = getattr(gf.image, f"rgb_to_{space}")(rgb)
        np.testing.assert_allclose(_run(getattr(gf.image, f"{space}_to_rgb")(there)), rgb,
                                   atol=1e-4)  # TF1's matrices invert each other to 1e-4
    with pytest.raises(gf.errors.InvalidArgumentError, match="3 channels"):
        gf.image.rgb_to_grayscale(gf.zeros([2, 2, 4]))
    with pytest.raises(gf.errors.InvalidArgumentError, match="one channel"):
        gf.image.grayscale_to_rgb(gf.zeros([2, 2, 3]))
    with pytest.raises(gf.errors.DTypeError, match="needs a float image"):
        gf.image.rgb_to_hsv(np.zeros((2, 2, 3), np.uint8))
    with pytest.raises(gf.errors.DTypeError, match="floating point or integer"):
        gf.image.convert_image_dtype(gf.constant(IMAGE), gf.bool)


# -- a TF1 tutorial's input pipeline ------------------------------------------------------------

def test_cifar10_tutorial_distortions_run_unchanged():
    """The CIFAR-10 tutorial's training distortions and evaluation crop (cifar10_input.py),
    as written there for one uint8 image read as 32x32x3, with ``import graphflow as tf``."""
    tf = gf
    raw = tf.placeholder(tf.uint8, [32, 32, 3])
    reshaped_image = tf.cast(raw, tf.float32)
    height, width = 24, 24
    distorted_image = tf.image.random_crop(reshaped_image, [height, width, 3])
    distorted_image = tf.image.random_flip_left_right(distorted_image)
    distorted_image = tf.image.random_brightness(distorted_image, max_delta=63)
    distorted_image = tf.image.random_contrast(distorted_image, lower=0.2, upper=1.8)
    float_image = tf.image.per_image_standardization(distorted_image)
    float_image.set_shape([height, width, 3])
    resized_image = tf.image.resize_image_with_crop_or_pad(reshaped_image, height, width)
    image = np.random.default_rng(2).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    with tf.Session() as sess:
        train, evaluate = sess.run([float_image, resized_image], {raw: image})
    assert train.shape == (24, 24, 3) and train.dtype == np.float32
    np.testing.assert_allclose([train.mean(), train.std()], [0, 1], atol=1e-4)
    np.testing.assert_array_equal(evaluate, image[4:28, 4:28])
