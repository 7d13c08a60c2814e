"""float32 exp, tanh and sigmoid keep their stated error bound over the whole float32 range
on every backend (the bounds: docs/compiler.md, backends/cpu/numba_scalar.py), so that
log(sigmoid(x)) is x where sigmoid(x) is a normal float32, as in TF1."""

import re

import numpy as np
import pytest
from ulps import sigmoid64, sweep, ulps

import graphflow as gf

# worst case in ulps: the numba kernels' measured on every float32 input, with a margin;
# the numpy backend's are NumPy's own float32 exp and tanh (2.47 and 1.37 measured on AVX2)
BOUNDS = {"numba": {"exp": 1.5, "tanh": 5, "sigmoid": 2.5},
          "numpy": {"exp": 3, "tanh": 3, "sigmoid": 4}}
NORMAL_SIGMOID = -87.33  # below it sigmoid(x) is a denormal float32
X = sweep(60_000)


def _run(backend, build, x):
    with gf.Graph().as_default():
        p = gf.placeholder(gf.float32, [None])
        with gf.Session(backend=backend) as sess:
            return sess.run(build(p), {p: x})


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_exp_tanh_sigmoid_stay_within_their_ulp_bounds(backend):
    e, t, s = _run(backend, lambda p: [gf.exp(p), gf.tanh(p), gf.sigmoid(p)], X)
    xd = X.astype(np.float64)
    with np.errstate(over="ignore"):
        exact_exp = np.exp(xd)
    bound = BOUNDS[backend]
    worst = {"exp": ulps(e, exact_exp).max(), "tanh": ulps(t, np.tanh(xd)).max(),
             "sigmoid": ulps(s, sigmoid64(xd)).max()}
    assert worst == {k: v for k, v in worst.items() if v <= bound[k]}, (worst, bound)
    # the tails: exp down through the denormals to 0 and up to inf; sigmoid likewise
    assert np.all(e[X > 88.72283] == np.inf) and np.all(e[X < -103.98] == 0)
    denormal = (X < -88) & (X > -103)
    assert np.all(e[denormal] > 0) and np.all(s[denormal] > 0)
    assert np.all(np.isnan(e[np.isnan(X)])) and np.all(np.isnan(s[np.isnan(X)]))
    assert np.all(t[np.abs(X) >= 10] == np.sign(X[np.abs(X) >= 10]))


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_log_sigmoid_is_x_in_the_negative_tail(backend):
    x = np.array([-20, -50, -80, -87, -95], np.float32)
    got = _run(backend, lambda p: gf.log(gf.sigmoid(p)), x)
    exact = np.log(sigmoid64(x))
    # normal results to float32 rounding; -95's sigmoid is a denormal with 13 bits left
    np.testing.assert_allclose(got[:4], exact[:4], rtol=4e-7)
    np.testing.assert_allclose(got[4], exact[4], rtol=1e-5)


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_softplus_of_a_large_negative_is_its_tiny_exp(backend):
    x = np.array([-30, -90, -100], np.float32)
    got = _run(backend, gf.nn.softplus, x)
    assert np.all(ulps(got, np.log1p(np.exp(x.astype(np.float64)))) <= 3), got


# -- CUDA ---------------------------------------------------------------------------------
# Its kernels are compiled with fastmath, under which math.exp/log/sin/cos on float32 become
# __expf, __logf... and math.tanh tanh.approx (2^-11); float32 kernels must call libdevice's
# accurate functions instead. Checked in the PTX (NVVM, no GPU needed) by the fast paths'
# instructions: exp as x * log2(e) fed to ex2.approx, lg2/sin/cos/tanh.approx.
_FAST_PATHS = re.compile(r"mul(?:\.ftz)?\.f32\s+%f\d+, %f\d+, 0f3FB8AA3B;|"
                         r"(?:lg2|sin|cos|tanh)\.approx")


def test_cuda_float32_kernels_call_accurate_libdevice_functions():
    import importlib.util

    from graphflow import subgraph
    from graphflow.backends import kernel_cache
    from graphflow.backends.cuda import env as cuda_env
    from graphflow.compiler import compile_subgraph
    from graphflow.compiler.fuse import FUSED

    if importlib.util.find_spec("numba_cuda") is None or cuda_env.simulator_requested():
        pytest.skip("needs numba-cuda compiling real kernels (not the simulator)")
    cuda = cuda_env._import_cuda()
    from graphflow.backends.cuda import codegen

    with gf.Graph().as_default():
        x = gf.placeholder(gf.float32, [8])
        y = gf.exp(x) + gf.tanh(x) + gf.log(x) + gf.sigmoid(x) + gf.sin(x) + gf.cos(x)
        program, _ = compile_subgraph(subgraph.extract((y,), (), frozenset([x])))
    (fused,) = [op for op in program.ops if op.opdef is FUSED]
    _, kernel = kernel_cache.load_kernel(codegen.kernel_source(fused, ("full",)))
    signature = "void(int64, " + ", ".join(["float32[::1]"] * 2) + ")"
    try:
        ptx, _ = cuda.compile_ptx(kernel.py_func, signature, cc=(9, 0),
                                  fastmath=kernel.targetoptions.get("fastmath", False))
    except Exception as e:  # no NVVM / NVRTC libraries
        pytest.skip(f"cannot compile PTX here: {e}")
    assert ".ftz." in ptx  # compiled as the backend compiles it, with fastmath
    assert [m.group(0) for m in _FAST_PATHS.finditer(ptx)] == []


_SIMULATED = """
import json, sys
import numpy as np
import graphflow as gf
x = np.array(json.loads(sys.argv[1]), np.float32)
with gf.Graph().as_default():
    p = gf.placeholder(gf.float32, [None])
    with gf.Session(backend="cuda") as sess:
        s, ls = sess.run([gf.sigmoid(p), gf.log(gf.sigmoid(p))], {p: x})
print(json.dumps([s.astype(float).tolist(), ls.astype(float).tolist()]))
"""


def test_cuda_sigmoid_keeps_the_negative_tail_on_the_simulator(tmp_path):
    import json
    import os
    import subprocess
    import sys

    x = np.array([3, 0.5, -0.5, -3, -20, -50, -80, -87, -89, -95, -100], np.float32)
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1", "GRAPHFLOW_CACHE_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-W", "error", "-c", _SIMULATED,
                           json.dumps(x.tolist())], env=env, capture_output=True, text=True,
                          cwd=os.path.dirname(os.path.dirname(gf.__file__)), timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    s, log_s = (np.array(v) for v in json.loads(done.stdout))
    # (run with -W error: an overflow warning in the simulator's exp fails it too)
    assert ulps(s, sigmoid64(x)).max() <= BOUNDS["numpy"]["sigmoid"], s
    np.testing.assert_allclose(log_s[4:8], x[4:8], rtol=4e-7)
    np.testing.assert_allclose(log_s[8:], x[8:], rtol=1e-3)  # denormals keep a few digits
