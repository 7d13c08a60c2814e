"""graphflow: a TensorFlow-1-style symbolic graph framework.

Build a static graph of placeholders, variables, constants and ops, then run it
with ``Session.run``.  A TF1 program that uses only the names below runs with
``import graphflow as tf``.
"""

from . import errors, nn, test, tf1_names, train  # noqa: F401
from . import compat  # noqa: F401
from . import app, flags, gfile, io, logging  # noqa: F401
from . import data, datasets, image, metrics  # noqa: F401
from . import losses  # noqa: F401
from . import debugging, math, random  # noqa: F401, A004 (TF1 names)
from . import nest, viz  # noqa: F401
from .autodiff import gradients  # noqa: F401
from .dtypes import (  # noqa: F401
    DType,
    as_dtype,
    bool_ as bool,  # noqa: A004 (TF1 name)
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    string,
    uint8,
    variant,
)
from .config import (  # noqa: F401
    ConfigProto,
    GPUOptions,
    GraphOptions,
    OptimizerOptions,
    RunMetadata,
    RunOptions,
)
from .graph import (  # noqa: F401
    Graph,
    GraphKeys,
    Operation,
    Tensor,
    add_to_collection,
    control_dependencies,
    device,
    get_collection,
    get_collection_ref,
    get_default_graph,
    name_scope,
    reset_default_graph,
)
from .logging import get_logger  # noqa: F401
from .ops.control import group, no_op  # noqa: F401
from .ops.cond import case, cond, smart_cond  # noqa: F401
from .ops.functional import foldl, foldr, map_fn, scan  # noqa: F401
from .ops.tensor_array import TensorArray  # noqa: F401
from .ops.while_loop import while_loop  # noqa: F401
from .ops.clip import clip_by_average_norm, clip_by_global_norm, clip_by_norm, global_norm  # noqa: F401
from .placement import DeviceSpec, NodeDef  # noqa: F401
from .ops.custom import custom_gradient  # noqa: F401
from .ops.elementwise import (  # noqa: F401
    abs,  # noqa: A004
    add,
    add_n,
    cast,
    ceil,
    clip_by_value,
    cos,
    divide,
    equal,
    exp,
    expm1,
    floor,
    floordiv,
    floormod,
    greater,
    greater_equal,
    identity,
    less,
    less_equal,
    log,
    log1p,
    logical_and,
    logical_not,
    logical_or,
    maximum,
    minimum,
    mod,
    multiply,
    negative,
    not_equal,
    ones_like,
    pow,  # noqa: A004
    realdiv,
    reciprocal,
    round,  # noqa: A004
    rsqrt,
    sigmoid,
    sign,
    sin,
    sqrt,
    square,
    squared_difference,
    stop_gradient,
    subtract,
    tanh,
    truediv,
    where,
    zeros_like,
)
from .ops.check_ops import (  # noqa: F401
    assert_equal,
    assert_greater,
    assert_greater_equal,
    assert_integer,
    assert_less,
    assert_less_equal,
    assert_near,
    assert_negative,
    assert_non_negative,
    assert_non_positive,
    assert_none_equal,
    assert_positive,
    assert_rank,
    assert_rank_at_least,
    assert_scalar,
    assert_type,
)
from .ops.logging_ops import Assert, Print  # noqa: F401
from .ops.logging_ops import print_ as print  # noqa: F401, A004 (TF1 name)
from .ops.numerics import (  # noqa: F401
    add_check_numerics_ops,
    check_numerics,
    is_finite,
    is_inf,
    is_nan,
    verify_tensor_all_finite,
)
from .ops.indexing import slice_ as slice  # noqa: F401, A004
from .ops.gather import gather, one_hot  # noqa: F401
from .ops.gather_nd import gather_nd, scatter_nd, sparse_to_dense  # noqa: F401
from .ops.linalg import matmul  # noqa: F401
from .ops.sequence import reverse_sequence  # noqa: F401
from .ops.shape_ops import rank, shape, size  # noqa: F401
from .ops.movement import (  # noqa: F401
    concat,
    expand_dims,
    pad,
    reshape,
    split,
    squeeze,
    stack,
    tile,
    transpose,
    unstack,
)
from .ops.random import (  # noqa: F401
    multinomial,
    random_crop,
    random_normal,
    random_shuffle,
    random_uniform,
    set_random_seed,
    truncated_normal,
)
from .ops.reduce import (  # noqa: F401
    arg_max,
    arg_min,
    argmax,
    argmin,
    reduce_all,
    reduce_any,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
)
from .ops.sources import constant, convert_to_tensor, eye, fill, ones, placeholder, range, zeros  # noqa: F401, A004
from .ops.sources import placeholder_with_default  # noqa: F401
from .ops.state import (  # noqa: F401
    Variable,
    all_variables,
    assign,
    assign_add,
    assign_sub,
    global_variables,
    global_variables_initializer,
    initialize_all_variables,
    initialize_local_variables,
    initialize_variables,
    local_variables,
    local_variables_initializer,
    trainable_variables,
    variables_initializer,
)
from .session import InteractiveSession, Session, get_default_session  # noqa: F401
from . import initializers, layers  # noqa: F401
from . import contrib  # noqa: F401
from .initializers import (  # noqa: F401
    constant_initializer,
    glorot_normal_initializer,
    glorot_uniform_initializer,
    ones_initializer,
    random_normal_initializer,
    random_uniform_initializer,
    truncated_normal_initializer,
    variance_scaling_initializer,
    zeros_initializer,
)
from .variable_scope import (  # noqa: F401
    AUTO_REUSE,
    VariableScope,
    get_variable,
    get_variable_scope,
    variable_scope,
)
from .shapes import TensorShape  # noqa: F401

newaxis = None
__version__ = "0.1.0"


def disable_eager_execution():
    """Accepted for TF2-compat programs; graphflow is always in graph mode."""


def disable_v2_behavior():
    """Accepted for TF2-compat programs; graphflow always behaves like TF1."""


errors.wrap_public(globals())

__getattr__ = tf1_names.module_getattr("tf", __name__)  # a TF1 name we lack: say so
