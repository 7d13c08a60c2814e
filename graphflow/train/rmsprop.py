"""RMSPropOptimizer: TF1's ApplyRMSProp and ApplyCenteredRMSProp."""

from ..ops.control import group
from ..ops.elementwise import sqrt, square
from ..ops.state import assign, assign_sub
from .optimizer import Optimizer


class RMSPropOptimizer(Optimizer):
    """``ms += (grad**2 - ms) * (1 - decay)``;
    ``mom = mom * momentum + lr * grad / sqrt(ms + epsilon)``; ``var -= mom``.

    ``centered=True`` also tracks the mean gradient ``mg += (grad - mg) * (1 - decay)``
    and divides by ``sqrt(ms - mg**2 + epsilon)``. Slots, as in TF1: ``"rms"``
    (``<var>/RMSProp``, starts at ONES), then ``"mg"`` if centered, then ``"momentum"``
    (``<var>/RMSProp_1`` or ``_2``), both zeros.
    """

    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False,
                 centered=False, name="RMSProp"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._decay = decay
        self._momentum = momentum
        self._epsilon = epsilon
        self._centered = centered

    def _create_slots(self, var_list):
        for var in var_list:
            self._slot(var, "rms", self._name, 1.0)
            if self._centered:
                self._slot(var, "mg", self._name)
            self._slot(var, "momentum", self._name)

    def _apply_dense(self, grad, var):
        ms, mom = self.get_slot(var, "rms"), self.get_slot(var, "momentum")
        lr, decay, momentum, epsilon = (self._hyper(h, var) for h in (
            self._learning_rate, self._decay, self._momentum, self._epsilon))
        one_minus_decay = 1 - decay
        ms_new = ms + (square(grad) - ms) * one_minus_decay
        writes = [assign(ms, ms_new)]
        denom = ms_new
        if self._centered:
            mg = self.get_slot(var, "mg")
            mg_new = mg + (grad - mg) * one_minus_decay
            writes.append(assign(mg, mg_new))
            denom = ms_new - square(mg_new)
        mom_new = mom * momentum + grad * lr / sqrt(denom + epsilon)
        writes += [assign(mom, mom_new), assign_sub(var, mom_new)]
        return group(*writes, name="ApplyCenteredRMSProp" if self._centered else "ApplyRMSProp")
