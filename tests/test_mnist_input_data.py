"""The MNIST tutorial loader (TF1's input_data.read_data_sets) on small IDX files the tests
write themselves; downloads are simulated, never made. The expected batch orders follow
TF1's documented DataSet rules with NumPy's legacy generator, seeded as TF1 seeded it."""

import gzip
import io
import urllib.error
import urllib.request

import numpy as np
import pytest

import graphflow as gf
from graphflow import errors
from graphflow.examples.tutorials.mnist import input_data

ROWS, COLS = 4, 3  # small images: the reader takes the sizes from the headers


def _idx_bytes(magic, dims, data):
    header = b"".join(int(x).to_bytes(4, "big") for x in (magic, *dims))
    return gzip.compress(header + np.asarray(data, np.uint8).tobytes())


def _images(n, first):
    """Image i holds first + i in its top-left pixel (to follow examples through shuffles)."""
    images = np.random.RandomState(n).randint(0, 256, (n, ROWS, COLS)).astype(np.uint8)
    images[:, 0, 0] = first + np.arange(n)
    return images


def _files(n_train=12, n_test=5):
    train, test = _images(n_train, 0), _images(n_test, 100)
    return {
        input_data.TRAIN_IMAGES: _idx_bytes(2051, (n_train, ROWS, COLS), train),
        input_data.TRAIN_LABELS: _idx_bytes(2049, (n_train,), np.arange(n_train) % 10),
        input_data.TEST_IMAGES: _idx_bytes(2051, (n_test, ROWS, COLS), test),
        input_data.TEST_LABELS: _idx_bytes(2049, (n_test,), (np.arange(n_test) * 3) % 10),
    }, train, test


@pytest.fixture
def data_dir(tmp_path):
    files, train, test = _files()
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    gf.reset_default_graph()
    return tmp_path, train, test


def test_images_labels_and_the_validation_split(data_dir, capsys):
    path, train, test = data_dir
    mnist = input_data.read_data_sets(str(path), validation_size=3, seed=1)
    assert isinstance(mnist, input_data.Datasets) and mnist._fields == ("train", "validation",
                                                                         "test")
    assert capsys.readouterr().out == "".join(
        f"Extracting {path / name}\n" for name in input_data.FILES)
    images = mnist.train.images
    assert images.dtype == np.float32 and images.shape == (9, ROWS * COLS)
    # TF1's arithmetic: a product with 1/255 in float32, bit for bit
    expected = np.multiply(train[3:].reshape(9, -1).astype(np.float32), np.float32(1 / 255))
    np.testing.assert_array_equal(images, expected)
    assert images.max() <= 1.0 and images.min() >= 0.0
    np.testing.assert_array_equal(mnist.validation.labels, [0, 1, 2])
    assert mnist.train.labels.dtype == np.uint8 and list(mnist.train.labels) == [
        3, 4, 5, 6, 7, 8, 9, 0, 1]
    assert (mnist.train.num_examples, mnist.validation.num_examples,
            mnist.test.num_examples) == (9, 3, 5)
    assert mnist.train.epochs_completed == 0

    raw = input_data.read_data_sets(str(path), dtype=gf.uint8, reshape=False, one_hot=True,
                                    validation_size=0)
    np.testing.assert_array_equal(raw.test.images[..., 0], test)
    assert raw.train.images.dtype == np.uint8 and raw.train.images.shape == (12, ROWS, COLS, 1)
    assert raw.test.labels.dtype == np.float64 and raw.test.labels.shape == (5, 10)
    np.testing.assert_array_equal(raw.test.labels.argmax(1), [0, 3, 6, 9, 2])
    assert raw.validation.num_examples == 0


def _order(batch_images):
    return [int(x) for x in batch_images[:, 0]]


def test_next_batch_shuffles_and_wraps_epochs_as_tf1(data_dir):
    path, _, _ = data_dir
    mnist = input_data.read_data_sets(str(path), dtype="uint8", validation_size=3, seed=7)
    rng = np.random.RandomState(7)  # the global generator as the DataSets left it
    first = np.arange(9)
    rng.shuffle(first)  # at the start of the first epoch
    examples = 3 + first
    batches = [mnist.train.next_batch(4) for _ in range(4)]
    assert _order(batches[0][0]) == list(examples[0:4])
    assert _order(batches[1][0]) == list(examples[4:8])
    second = np.arange(9)
    rng.shuffle(second)  # when the first epoch ends, applied to the shuffled examples
    reshuffled = examples[second]
    # the batch that crosses the end: the rest of epoch 1, then the start of epoch 2
    assert _order(batches[2][0]) == [examples[8], *reshuffled[0:3]]
    assert list(batches[2][1]) == [(e % 10) for e in _order(batches[2][0])]
    assert _order(batches[3][0]) == list(reshuffled[3:7])
    assert mnist.train.epochs_completed == 1
    assert _order(mnist.train.images) == list(reshuffled)  # images are the shuffled array


def test_next_batch_without_shuffling_wraps_in_order(data_dir):
    path, _, _ = data_dir
    mnist = input_data.read_data_sets(str(path), dtype=np.uint8, validation_size=3)
    orders = [_order(mnist.train.next_batch(5, shuffle=False)[0]) for _ in range(3)]
    assert orders == [[3, 4, 5, 6, 7], [8, 9, 10, 11, 3], [4, 5, 6, 7, 8]]
    assert mnist.train.epochs_completed == 1


def test_numpys_global_generator_is_seeded_as_tf1_seeded_it(data_dir):
    path, _, _ = data_dir

    def after(**kwargs):
        input_data.read_data_sets(str(path), validation_size=3, **kwargs)
        return np.random.rand()

    assert after(seed=42) == np.random.RandomState(42).rand()
    assert after(seed=2**31 + 5) == np.random.RandomState(6).rand()  # TF1 truncates seeds
    gf.set_random_seed(123)  # without an op seed, the graph seed
    assert after() == np.random.RandomState(123).rand()
    gf.set_random_seed(0)
    assert after(seed=0) == np.random.RandomState(2**31 - 1).rand()  # TF1 avoids (0, 0)
    gf.reset_default_graph()
    np.random.seed(5)
    assert after() != np.random.RandomState(5).rand()  # no seed at all: reseeded afresh


def test_errors_for_sizes_dtypes_and_labels(data_dir):
    path, _, _ = data_dir
    with pytest.raises(errors.InvalidArgumentError,
                       match=r"Validation size should be between 0 and 12\. Received: 13\."):
        input_data.read_data_sets(str(path), validation_size=13)
    with pytest.raises(errors.InvalidArgumentError, match="between 0 and 12. Received: 5000"):
        input_data.load_mnist(str(path))  # TF1's shorthand: every default
    with pytest.raises(errors.DTypeError, match="Invalid image dtype int32"):
        input_data.read_data_sets(str(path), dtype=gf.int32, validation_size=0)
    with pytest.raises(errors.InvalidArgumentError, match=r"labels must be in \[0, 3\)"):
        input_data.dense_to_one_hot(np.array([0, 3]), 3)
    with pytest.raises(errors.InvalidArgumentError, match="images and labels differ"):
        input_data.DataSet(np.zeros((3, 2, 2, 1)), np.zeros(2))


def test_a_batch_size_that_is_not_a_count_is_refused(data_dir):
    # a float size raised NumPy's raw "slice indices must be integers", and a negative one
    # returned a batch of the wrong size and moved the epoch on
    dataset = input_data.DataSet(np.zeros((4, 2, 2, 1), np.uint8), np.arange(4))
    for size in (2.5, -1, "2", True):
        with pytest.raises(errors.InvalidArgumentError, match="batch_size must be an int"):
            dataset.next_batch(size)
        with pytest.raises(errors.InvalidArgumentError, match="batch_size must be an int"):
            dataset.next_batch(size, fake_data=True)
    assert dataset.epochs_completed == 0
    assert dataset.next_batch(np.int64(3))[0].shape == (3, 4)


def test_fake_data_reads_nothing(tmp_path):
    mnist = input_data.read_data_sets(str(tmp_path / "never"), fake_data=True, one_hot=True)
    assert mnist.train.num_examples == mnist.test.num_examples == 10000
    images, labels = mnist.train.next_batch(3, fake_data=True)
    assert images == [[1] * 784] * 3 and labels == [[1] + [0] * 9] * 3
    assert input_data.read_data_sets("x", fake_data=True).test.next_batch(2)[1] == [0, 0]
    assert not (tmp_path / "never").exists()


@pytest.mark.parametrize("problem, message", [
    ("labels as images", "Invalid magic number 2049 in MNIST image file"),
    ("not gzip", "is not a gzipped IDX file or is truncated"),
    ("short data", r"header promises 12 x 4 x 3 = 144 bytes, it holds 143"),
    ("short header", "is truncated .EOFError: the file ends inside the IDX header"),
])
def test_a_damaged_file_is_named(data_dir, problem, message):
    path, train, _ = data_dir
    bad = {"labels as images": (path / input_data.TRAIN_LABELS).read_bytes(),
           "not gzip": b"plain bytes",
           "short data": _idx_bytes(2051, (12, ROWS, COLS), train.ravel()[:-1]),
           "short header": gzip.compress(b"\x00\x00")}[problem]
    (path / input_data.TRAIN_IMAGES).write_bytes(bad)
    with pytest.raises(errors.InvalidArgumentError, match=message) as e:
        input_data.read_data_sets(str(path), validation_size=0)
    assert input_data.TRAIN_IMAGES in str(e.value) and e.value.__cause__ is None


def test_offline_names_the_missing_files_the_directory_and_the_url(tmp_path, monkeypatch,
                                                                   capsys):
    files, _, _ = _files()
    (tmp_path / input_data.TRAIN_IMAGES).write_bytes(files[input_data.TRAIN_IMAGES])
    (tmp_path / input_data.TEST_IMAGES).write_bytes(files[input_data.TEST_IMAGES])

    def offline(url, timeout=None):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(errors.UnavailableError) as e:
        input_data.read_data_sets(str(tmp_path))
    message = str(e.value)
    assert f"MNIST files missing in {tmp_path}: {input_data.TRAIN_LABELS}, " \
           f"{input_data.TEST_LABELS}" in message
    assert (f"downloading {input_data.DEFAULT_SOURCE_URL}{input_data.TRAIN_LABELS} failed: "
            "[Errno -3] Temporary failure in name resolution") in message
    assert e.value.__cause__ is None and e.value.__suppress_context__
    assert isinstance(e.value, ConnectionError)
    assert sorted(p.name for p in tmp_path.iterdir()) == [input_data.TEST_IMAGES,
                                                          input_data.TRAIN_IMAGES]
    assert "Successfully" not in capsys.readouterr().out


def test_missing_files_are_downloaded_from_the_source_url(tmp_path, monkeypatch, capsys):
    files, train, _ = _files()
    fashion = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
    asked = []

    def serve(url, timeout=None):
        asked.append(url)
        return io.BytesIO(files[url[len(fashion):]])

    monkeypatch.setattr(urllib.request, "urlopen", serve)
    target = tmp_path / "data" / "fashion"  # made as needed, as TF1 does
    mnist = input_data.read_data_sets(str(target), source_url=fashion, validation_size=2,
                                      dtype=gf.uint8)
    assert asked == [fashion + name for name in input_data.FILES]
    out = capsys.readouterr().out
    for name in input_data.FILES:
        assert f"Successfully downloaded {name} {len(files[name])} bytes.\n" in out
    np.testing.assert_array_equal(mnist.validation.images, train[:2].reshape(2, -1))
    asked.clear()
    input_data.read_data_sets(str(target), source_url=fashion, validation_size=2)
    assert asked == []  # present files are read, never fetched again
