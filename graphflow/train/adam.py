"""AdamOptimizer: TF1's ApplyAdam with its ``beta1_power``/``beta2_power`` accumulators."""

from ..graph import get_default_graph
from ..ops.control import group
from ..ops.elementwise import sqrt, square
from ..ops.state import assign, assign_sub
from .optimizer import Optimizer


class AdamOptimizer(Optimizer):
    """Adam (Kingma & Ba), exactly as TF1 steps it, with ``t`` the step number::

        lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t)
        m += (grad - m) * (1 - beta1);  v += (grad**2 - v) * (1 - beta2)
        var -= lr_t * m / (sqrt(v) + epsilon)

    Slots ``"m"`` and ``"v"`` are ``<var>/Adam`` and ``<var>/Adam_1``. ``beta1**t`` and
    ``beta2**t`` live in the non-trainable variables ``beta1_power`` and ``beta2_power``
    (in the dtype of ``beta1``: float32 for Python numbers), multiplied by the betas
    after every variable has been updated, in the same training op.
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08,
                 use_locking=False, name="Adam"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._beta1 = beta1
        self._beta2 = beta2
        self._epsilon = epsilon

    def _create_slots(self, var_list):
        self._non_slot("beta1_power", self._beta1)
        self._non_slot("beta2_power", self._beta2)
        for var in var_list:
            self._slot(var, "m", self._name)
            self._slot(var, "v", self._name)

    def _get_beta_accumulators(self):
        return self._get_non_slot("beta1_power"), self._get_non_slot("beta2_power")

    def _apply_dense(self, grad, var):
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        beta1_power, beta2_power = (self._hyper(p, var) for p in self._get_beta_accumulators())
        lr, beta1, beta2, epsilon = (self._hyper(h, var) for h in (
            self._learning_rate, self._beta1, self._beta2, self._epsilon))
        lr_t = lr * sqrt(1 - beta2_power) / (1 - beta1_power)
        m_new = m + (grad - m) * (1 - beta1)
        v_new = v + (square(grad) - v) * (1 - beta2)
        return group(assign(m, m_new), assign(v, v_new),
                     assign_sub(var, m_new * lr_t / (sqrt(v_new) + epsilon)), name="ApplyAdam")

    def _finish(self, update_ops, name):
        beta1_power, beta2_power = self._get_beta_accumulators()
        with get_default_graph().control_dependencies(update_ops):
            new_powers = [assign(power, power * self._hyper(beta, power))
                          for power, beta in ((beta1_power, self._beta1),
                                              (beta2_power, self._beta2))]
        return group(*update_ops, *new_powers, name=name)
