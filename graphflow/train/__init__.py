"""``gf.train``: optimizers that append update ops to the graph."""

from .optimizer import GradientDescentOptimizer, Optimizer  # noqa: F401
