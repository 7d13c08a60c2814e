"""``gf.nn``: activations, softmax and losses, composed from primitive ops."""

from .. import errors as _errors  # noqa: E402
from .ops import (  # noqa: F401
    bias_add,
    elu,
    l2_loss,
    leaky_relu,
    log_softmax,
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
)

_errors.wrap_public(globals())
