"""``gf.nn``: activations, softmax and losses, composed from primitive ops."""

from .. import errors as _errors  # noqa: E402
from .. import tf1_names as _tf1_names
from ..ops.candidates import (  # noqa: F401
    log_uniform_candidate_sampler,
    uniform_candidate_sampler,
)
from . import rnn_cell  # noqa: F401
from .conv import (  # noqa: F401
    avg_pool,
    avg_pool2d,
    conv2d,
    conv2d_backprop_filter,
    conv2d_backprop_input,
    conv2d_transpose,
    max_pool,
    max_pool2d,
)
from .embedding import embedding_lookup  # noqa: F401
from .ops import (  # noqa: F401
    batch_normalization,
    bias_add,
    dropout,
    elu,
    l2_loss,
    leaky_relu,
    log_softmax,
    moments,
    relu,
    relu6,
    sigmoid,
    sigmoid_cross_entropy_with_logits,
    softmax,
    softmax_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits_v2,
    softplus,
    sparse_softmax_cross_entropy_with_logits,
    tanh,
    xw_plus_b,
)
from .rnn import bidirectional_dynamic_rnn, dynamic_rnn  # noqa: F401
from .rnn_static import static_bidirectional_rnn, static_rnn  # noqa: F401
from .sampled import compute_accidental_hits, nce_loss, sampled_softmax_loss  # noqa: F401

_errors.wrap_public(globals())

__getattr__ = _tf1_names.module_getattr("tf.nn", __name__)  # a TF1 name we lack: say so
