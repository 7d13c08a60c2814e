"""AdagradOptimizer: TF1's ApplyAdagrad."""

from .. import errors
from ..ops.control import group
from ..ops.elementwise import rsqrt, square
from ..ops.state import assign, assign_sub
from .optimizer import Optimizer


class AdagradOptimizer(Optimizer):
    """``accum += grad**2; var -= lr * grad / sqrt(accum)``.

    The slot ``"accumulator"`` is the variable ``<var>/Adagrad``, filled with
    ``initial_accumulator_value`` at first (it must be positive).
    """

    def __init__(self, learning_rate, initial_accumulator_value=0.1, use_locking=False,
                 name="Adagrad"):
        if initial_accumulator_value <= 0.0:
            raise errors.at_user_line(
                errors.InvalidArgumentError, "initial_accumulator_value must be positive: "
                f"{initial_accumulator_value}")
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_accumulator_value = initial_accumulator_value

    def _create_slots(self, var_list):
        for var in var_list:
            self._slot(var, "accumulator", self._name, self._initial_accumulator_value)

    def _apply_dense(self, grad, var):
        accum = self.get_slot(var, "accumulator")
        lr = self._hyper(self._learning_rate, var)
        accum_new = accum + square(grad)
        return group(assign(accum, accum_new), assign_sub(var, grad * lr * rsqrt(accum_new)),
                     name="ApplyAdagrad")
