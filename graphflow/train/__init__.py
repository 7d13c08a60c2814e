"""``gf.train``: optimizers that append update ops to the graph."""

from .. import tf1_names as _tf1_names
from .adagrad import AdagradOptimizer  # noqa: F401
from .adam import AdamOptimizer  # noqa: F401
from .checkpoint_management import (  # noqa: F401
    checkpoint_exists,
    get_checkpoint_mtimes,
    get_checkpoint_state,
    latest_checkpoint,
    remove_checkpoint,
    update_checkpoint_state,
)
from .momentum import MomentumOptimizer  # noqa: F401
from .optimizer import GradientDescentOptimizer, Optimizer  # noqa: F401
from .rmsprop import RMSPropOptimizer  # noqa: F401
from .saver import Saver  # noqa: F401
from .training_util import (  # noqa: F401
    create_global_step,
    get_global_step,
    get_or_create_global_step,
    global_step,
)

__getattr__ = _tf1_names.module_getattr("tf.train", __name__)  # a TF1 name we lack: say so
