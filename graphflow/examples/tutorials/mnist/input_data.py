"""TF1's MNIST tutorial loader: ``input_data.read_data_sets("MNIST_data/", one_hot=True)``.

Reads the four IDX files of MNIST (or of Fashion-MNIST, which uses the same names) from a
directory, downloading the missing ones from ``source_url`` first, and returns
``Datasets(train, validation, test)`` of ``DataSet`` objects whose ``next_batch`` shuffles
and wraps around epochs exactly as TF1's did, with NumPy's global random generator seeded
as TF1 seeded it. Written from TF1's documented behaviour; no TensorFlow code.
"""

import collections
import gzip
import os
import tempfile
import urllib.error
import urllib.request
import zlib

import numpy as np

from graphflow import errors, gfile
from graphflow.dtypes import as_dtype, float32, uint8
from graphflow.graph import get_default_graph

DEFAULT_SOURCE_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"
TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
FILES = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)

_IMAGES_MAGIC, _LABELS_MAGIC = 2051, 2049  # IDX: unsigned bytes, 3 and 1 dimensions
_MAXINT32 = 2**31 - 1
_DEFAULT_GRAPH_SEED = 87654321  # TF1's, for an op seed without a graph seed

Datasets = collections.namedtuple("Datasets", ["train", "validation", "test"])


class DataSet:
    """Images and labels with TF1's ``next_batch``.

    ``images``: uint8 ``[n, rows, cols, 1]``, kept as uint8 with ``dtype=uint8`` or scaled to
    float32 in [0, 1] with ``dtype=float32``, and flattened to ``[n, rows * cols]`` with
    ``reshape``. Making a DataSet seeds NumPy's global generator as TF1 did: with ``seed``
    if given, else with the default graph's seed (``gf.set_random_seed``), else afresh.
    """

    def __init__(self, images, labels, fake_data=False, one_hot=False, dtype=float32,
                 reshape=True, seed=None):
        np.random.seed(_numpy_seed(seed))
        dtype = as_dtype(dtype)
        if dtype not in (uint8, float32):
            raise errors.at_user_line(errors.DTypeError, f"Invalid image dtype {dtype.name}, "
                                      "expected uint8 or float32")
        self.one_hot, self._fake = one_hot, fake_data
        if fake_data:
            self._num_examples = 10000
        else:
            images, labels = np.asarray(images), np.asarray(labels)
            if images.shape[:1] != labels.shape[:1]:
                raise errors.at_user_line(
                    errors.InvalidArgumentError,
                    f"images and labels differ in number: images.shape: {images.shape} "
                    f"labels.shape: {labels.shape}")
            self._num_examples = images.shape[0]
            if reshape:
                if images.ndim != 4 or images.shape[3] != 1:
                    raise errors.at_user_line(
                        errors.InvalidArgumentError,
                        f"reshape needs images of shape [n, rows, cols, 1], got {images.shape}")
                images = images.reshape(images.shape[0], images.shape[1] * images.shape[2])
            if dtype == float32:
                # TF1's arithmetic (a product, not a division): the same float32 values
                images = np.multiply(images.astype(np.float32), 1.0 / 255.0)
        self._images, self._labels = images, labels
        self._epochs_completed = 0
        self._index_in_epoch = 0

    images = property(lambda self: self._images)
    labels = property(lambda self: self._labels)
    num_examples = property(lambda self: self._num_examples)
    epochs_completed = property(lambda self: self._epochs_completed)

    def next_batch(self, batch_size, fake_data=False, shuffle=True):
        """The next ``batch_size`` examples as ``(images, labels)``.

        With ``shuffle`` the examples are permuted when the first epoch starts and again
        whenever an epoch ends; a batch that crosses the end of an epoch is the rest of that
        epoch followed by the start of the next (TF1's rule).
        """
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or (
                batch_size < 0):
            raise errors.at_user_line(
                errors.InvalidArgumentError,
                f"next_batch's batch_size must be an int >= 0, got {batch_size!r}")
        if fake_data or self._fake:
            image = [1] * 784
            label = [1] + [0] * 9 if self.one_hot else 0
            return [image] * batch_size, [label] * batch_size
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0 and shuffle:
            self._permute()
        if start + batch_size <= self._num_examples:
            self._index_in_epoch += batch_size
            return (self._images[start:self._index_in_epoch],
                    self._labels[start:self._index_in_epoch])
        self._epochs_completed += 1
        rest_images = self._images[start:self._num_examples]
        rest_labels = self._labels[start:self._num_examples]
        if shuffle:
            self._permute()
        self._index_in_epoch = end = batch_size - (self._num_examples - start)
        return (np.concatenate((rest_images, self._images[:end]), axis=0),
                np.concatenate((rest_labels, self._labels[:end]), axis=0))

    def _permute(self):
        order = np.arange(self._num_examples)
        np.random.shuffle(order)  # the global generator, as TF1's
        self._images, self._labels = self._images[order], self._labels[order]

    def __repr__(self):
        return f"<DataSet: {self._num_examples} examples, {self._epochs_completed} epochs done>"


def _numpy_seed(seed):
    """TF1's DataSet seeding: ``get_seed(seed)``'s op seed if given, else the graph seed."""
    graph_seed = get_default_graph().seed
    if seed is None:
        return None if graph_seed is None else graph_seed % _MAXINT32
    graph_seed = _DEFAULT_GRAPH_SEED if graph_seed is None else graph_seed % _MAXINT32
    seed = int(seed) % _MAXINT32
    return _MAXINT32 if (graph_seed, seed) == (0, 0) else seed  # TF1 avoids the pair (0, 0)


def _read32(stream):
    return int(np.frombuffer(stream.read(4), dtype=">u4")[0])


def _idx(f, magic, what):
    """The dimensions and the data of an IDX file (a gzipped binary file object)."""
    name = getattr(f, "name", "<file>")
    print("Extracting", name)
    try:
        with gzip.GzipFile(fileobj=f) as stream:
            header = stream.read(4)
            if len(header) < 4:
                raise EOFError("the file ends inside the IDX header")
            found = int.from_bytes(header, "big")
            if found != magic:
                raise errors.InvalidArgumentError(
                    f"Invalid magic number {found} in MNIST {what} file: {name} (expected "
                    f"{magic}): not an IDX {what} file, or a damaged one")
            dims = [_read32(stream) for _ in range(3 if magic == _IMAGES_MAGIC else 1)]
            data = stream.read()
    except (OSError, EOFError, zlib.error, IndexError) as e:
        raise errors.InvalidArgumentError(
            f"the MNIST {what} file {name} is not a gzipped IDX file or is truncated "
            f"({type(e).__name__}: {e}); delete it to download it again") from None
    if len(data) != int(np.prod(dims)):
        raise errors.InvalidArgumentError(
            f"the MNIST {what} file {name} is truncated or damaged: its header promises "
            f"{' x '.join(map(str, dims))} = {int(np.prod(dims))} bytes, it holds {len(data)}")
    return dims, np.frombuffer(data, dtype=np.uint8)


def extract_images(f):
    """The images of an IDX images file object as uint8 ``[n, rows, cols, 1]``."""
    (n, rows, cols), data = _idx(f, _IMAGES_MAGIC, "image")
    return data.reshape(n, rows, cols, 1)


def extract_labels(f, one_hot=False, num_classes=10):
    """The labels of an IDX labels file object: uint8 ``[n]``, or one-hot float64."""
    _, labels = _idx(f, _LABELS_MAGIC, "label")
    return dense_to_one_hot(labels, num_classes) if one_hot else labels


def dense_to_one_hot(labels_dense, num_classes):
    """Class ids ``[n]`` as one-hot rows ``[n, num_classes]`` of float64 (TF1's dtype)."""
    labels_dense = np.asarray(labels_dense).ravel()
    if labels_dense.size and (labels_dense.min() < 0 or labels_dense.max() >= num_classes):
        raise errors.at_user_line(
            errors.InvalidArgumentError,
            f"labels must be in [0, {num_classes}), got {labels_dense.min()}..."
            f"{labels_dense.max()}")
    one_hot = np.zeros((labels_dense.shape[0], num_classes))
    one_hot[np.arange(labels_dense.shape[0]), labels_dense] = 1
    return one_hot


def maybe_download(filename, work_directory, source_url):
    """``work_directory/filename``, downloaded from ``source_url`` (the file's own URL) if
    absent; UnavailableError when the download fails."""
    gfile.MakeDirs(work_directory)
    path = os.path.join(work_directory, filename)
    if not gfile.Exists(path):
        _download(source_url, path)
        print("Successfully downloaded", filename, gfile.Stat(path).length, "bytes.")
    return path


def _download(url, path):
    """Fetch ``url`` into ``path`` through a temporary file: never a partial file at path."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=60) as response:
            while chunk := response.read(1 << 20):
                out.write(chunk)
        os.replace(tmp, path)
    except (OSError, ValueError) as e:  # URLError and timeouts are OSErrors; bad URLs
        reason = getattr(e, "reason", None) or e
        raise errors.UnavailableError(f"downloading {url} failed: {reason}") from None
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def read_data_sets(train_dir, fake_data=False, one_hot=False, dtype=float32, reshape=True,
                   validation_size=5000, seed=None, source_url=DEFAULT_SOURCE_URL):
    """TF1's ``read_data_sets``: ``Datasets(train, validation, test)`` from ``train_dir``.

    The first ``validation_size`` training examples become the validation set. Missing files
    are downloaded from ``source_url + name`` (TF1's default URL when empty); offline, an
    UnavailableError names the files, the directory and the URL. ``fake_data`` gives three
    DataSets of 10000 identical fake examples without reading anything.
    """
    if fake_data:
        return Datasets(*(DataSet([], [], fake_data=True, one_hot=one_hot, dtype=dtype,
                                  seed=seed) for _ in range(3)))
    source_url = source_url or DEFAULT_SOURCE_URL
    train_dir = os.fspath(train_dir)
    for name in FILES:
        try:
            maybe_download(name, train_dir, source_url + name)
        except errors.UnavailableError as e:
            missing = [n for n in FILES if not gfile.Exists(os.path.join(train_dir, n))]
            raise errors.UnavailableError(
                f"MNIST files missing in {os.path.abspath(train_dir)}: {', '.join(missing)}\n"
                f"  and {e}\n  copy the files there (from {source_url} or a mirror), or "
                "run once with network access") from None
    with gfile.GFile(os.path.join(train_dir, TRAIN_IMAGES), "rb") as f:
        train_images = extract_images(f)
    with gfile.GFile(os.path.join(train_dir, TRAIN_LABELS), "rb") as f:
        train_labels = extract_labels(f, one_hot=one_hot)
    with gfile.GFile(os.path.join(train_dir, TEST_IMAGES), "rb") as f:
        test_images = extract_images(f)
    with gfile.GFile(os.path.join(train_dir, TEST_LABELS), "rb") as f:
        test_labels = extract_labels(f, one_hot=one_hot)
    if not 0 <= validation_size <= len(train_images):
        raise errors.at_user_line(
            errors.InvalidArgumentError,
            f"Validation size should be between 0 and {len(train_images)}. "
            f"Received: {validation_size}.")
    options = {"dtype": dtype, "reshape": reshape, "seed": seed}
    return Datasets(
        train=DataSet(train_images[validation_size:], train_labels[validation_size:],
                      **options),
        validation=DataSet(train_images[:validation_size], train_labels[:validation_size],
                           **options),
        test=DataSet(test_images, test_labels, **options))


def load_mnist(train_dir="MNIST-data"):
    """TF1's shorthand: ``read_data_sets(train_dir)``."""
    return read_data_sets(train_dir)


errors.wrap_public(globals())
