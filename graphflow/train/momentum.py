"""MomentumOptimizer: TF1's ApplyMomentum, optionally Nesterov."""

from ..ops.control import group
from ..ops.state import assign, assign_sub
from .optimizer import Optimizer


class MomentumOptimizer(Optimizer):
    """``accum = accum * momentum + grad; var -= lr * accum``.

    With ``use_nesterov=True``: ``var -= lr * grad + lr * momentum * accum`` (using the new
    ``accum``). The slot ``"momentum"`` is the variable ``<var>/Momentum``, zeros at first.
    """

    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum",
                 use_nesterov=False):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._use_nesterov = use_nesterov

    def _create_slots(self, var_list):
        for var in var_list:
            self._slot(var, "momentum", self._name)

    def _apply_dense(self, grad, var):
        accum = self.get_slot(var, "momentum")
        lr = self._hyper(self._learning_rate, var)
        momentum = self._hyper(self._momentum, var)
        accum_new = accum * momentum + grad
        if self._use_nesterov:
            step = grad * lr + accum_new * momentum * lr
        else:
            step = lr * accum_new
        return group(assign(accum, accum_new), assign_sub(var, step), name="ApplyMomentum")
