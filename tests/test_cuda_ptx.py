"""Every kind of generated CUDA kernel compiles to PTX: catches typing errors the simulator
(plain Python) cannot. Needs numba-cuda with NVVM (graphflow[cuda]), not a GPU."""

import importlib.util

import numpy as np
import pytest

import graphflow as gf
from graphflow import subgraph
from graphflow.compiler import compile_subgraph
from graphflow.compiler.fuse import FUSED

pytestmark = pytest.mark.skipif(importlib.util.find_spec("numba_cuda") is None,
                                reason="numba-cuda is not installed")


@pytest.fixture(scope="module")
def cuda():
    from graphflow.backends.cuda import env as cuda_env

    if cuda_env.simulator_requested():
        pytest.skip("the simulator replaces numba.cuda in this process")
    cuda = cuda_env._import_cuda()
    try:
        cuda.compile_ptx(lambda a: None, "void(float32[::1])", cc=(8, 0))
    except Exception as e:  # no NVVM / NVRTC libraries
        pytest.skip(f"cannot compile PTX here: {e}")
    return cuda


def _fused_ops(build):
    with gf.Graph().as_default():
        fetches, feeds = build()
        sub = subgraph.extract(tuple(fetches), (), frozenset(feeds))
        program, _ = compile_subgraph(sub)
    return [op for op in program.ops if op.opdef is FUSED]


def _programs():
    def elementwise(dtype):
        def build():
            x = gf.placeholder(dtype, [4, 3])
            b = gf.placeholder(dtype, [3])
            c = gf.placeholder(dtype, [4, 1])
            s = gf.placeholder(dtype, [])
            if dtype.is_floating:
                y = gf.tanh(x * 2.0 + b) * gf.sigmoid(x) + gf.exp(c) - gf.floor(x) * s
                y = gf.maximum(gf.round(y), gf.sign(x)) + gf.floormod(x, 1.5) + gf.abs(x)
                y = gf.where(x > b, y, gf.log1p(gf.abs(x)) + gf.cast(x > 0, dtype))
            else:
                y = gf.floordiv(x, b) + gf.floormod(x, c) * s + gf.maximum(x, 0) - gf.abs(x)
                y = gf.where(gf.logical_not(x > b), y, gf.sign(x))
            return [y], [x, b, c, s]
        return build

    def reduction(fn, axis):
        def build():
            x = gf.placeholder(gf.float32, [4, 3])
            return [fn(gf.exp(x) * 2.0, axis=axis)], [x]
        return build

    def boolean():
        x = gf.placeholder(gf.int32, [4, 3])
        return [gf.reduce_any(x > 1, axis=1), gf.reduce_all(x > 0, axis=0)], [x]

    yield from (elementwise(gf.float32), elementwise(gf.float64), elementwise(gf.int32))
    for fn in (gf.reduce_sum, gf.reduce_mean, gf.reduce_max, gf.reduce_min, gf.reduce_prod):
        yield reduction(fn, 1)
        yield reduction(fn, 0)
    yield boolean


def _name(dtype):
    return "boolean" if np.dtype(dtype).kind == "b" else np.dtype(dtype).name


def test_every_kernel_kind_compiles_to_ptx(cuda):
    from graphflow.backends import kernel_cache, scalar_code
    from graphflow.backends.cuda import codegen as cuda_codegen

    compiled = 0
    for build in _programs():
        for op in _fused_ops(build):
            modes = tuple("first" if not leaf.shape.dims else "suffix" if len(
                leaf.shape.dims) == 1 else "prefix" if leaf.shape.dims[-1] == 1 else "full"
                for leaf in op._attrs["group"].leaves)
            _, kernel = kernel_cache.load_kernel(cuda_codegen.kernel_source(op, modes))
            args = cuda_codegen.argument_types(op, modes)
            results = [f"{_name(t.dtype.np)}[::1]" for t in op._attrs["group"].results]
            reduction = op._attrs["group"].reduction
            sizes = ["int64"] * (5 if reduction is not None else 1)
            flags = cuda_codegen.fault_types(op)
            cuda.compile_ptx(kernel.py_func,
                             f"void({', '.join(sizes + args + results + flags)})", cc=(8, 0))
            compiled += 1
            if reduction is not None:
                acc, _ = scalar_code.accumulator(reduction.inputs[0].dtype,
                                              reduction.opdef.combine[1])
                module = __import__(kernel.py_func.__module__)
                cuda.compile_ptx(module.combine.py_func, f"void(int64, int64, int64, "
                                 f"{_name(acc)}[::1], {results[0]})", cc=(8, 0))
    _, broadcast = kernel_cache.load_kernel(cuda_codegen.BROADCAST_SOURCE)
    cuda.compile_ptx(broadcast.py_func, "void(int64, int64, int64[::1], int64[::1], "
                     "float32[::1], float32[::1])", cc=(8, 0))
    assert compiled >= 13
