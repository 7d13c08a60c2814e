"""benchmarks/gpu.py's logic at tiny sizes (the real run needs the lent GPU machine)."""

import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_gpu_benchmark_runs_at_tiny_sizes(capsys):
    spec = importlib.util.spec_from_file_location("gpu_benchmark",
                                                  os.path.join(ROOT, "benchmarks", "gpu.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--sim", "--no-torch"]) == 0
    printed = capsys.readouterr().out
    assert "parity: 12/12" in printed
    for row in ("W1 graphflow cuda", "W2 graphflow cuda, batch 4", "GEMM 8 graphflow cuda"):
        assert row in printed
