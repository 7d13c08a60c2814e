"""Optimizers: ``minimize`` = ``compute_gradients`` (symbolic) + ``apply_gradients`` (assigns).

Update ops are ordinary graph ops with role ``"update"``; running the returned op
applies one step. Subclasses give the update rule for one variable.
"""

from .. import errors
from ..autodiff import gradients
from ..graph import get_default_graph, name_scope
from ..ops.control import group
from ..ops.elementwise import cast
from ..ops.sources import convert_to_tensor
from ..ops.state import assign_add, assign_sub, trainable_variables


class Optimizer:
    """Base class: subclasses implement ``_apply_dense(grad, var)`` returning an update op."""

    def __init__(self, use_locking=False, name="Optimizer"):
        self._name = name

    def compute_gradients(self, loss, var_list=None, gate_gradients=1, aggregation_method=None,
                          colocate_gradients_with_ops=False, grad_loss=None,
                          stop_gradients=None):
        """``[(gradient or None, variable)]`` for the trainable variables (or ``var_list``)."""
        var_list = list(var_list) if var_list is not None else trainable_variables()
        if not var_list:
            raise errors.at_user_line(errors.InvalidArgumentError, "no variables to optimize")
        grads = gradients(loss, var_list, grad_ys=grad_loss, stop_gradients=stop_gradients)
        return list(zip(grads, var_list))

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """One op that updates each variable from its gradient (and bumps ``global_step``)."""
        grads_and_vars = list(grads_and_vars)
        graph = get_default_graph()
        with name_scope(name, self._name) as scope, graph.role("update"):
            updates = []
            for grad, var in grads_and_vars:
                if grad is None:
                    continue
                with name_scope(f"update_{var.op.name}"):
                    updates.append(self._apply_dense(grad, var))
            if not updates:
                names = ", ".join(repr(v.name) for _, v in grads_and_vars)
                raise errors.at_user_line(errors.InvalidArgumentError,
                                          f"no gradient for any variable ({names}): does the "
                                          "loss depend on them?")
            if global_step is None:
                return group(*updates, name=scope)
            with graph.control_dependencies(updates):
                return assign_add(global_step, 1, name=scope).op

    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=1,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None,
                 grad_loss=None):
        """Build the gradients of ``loss`` and the op that applies them: one training step."""
        grads_and_vars = self.compute_gradients(loss, var_list, grad_loss=grad_loss)
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def _apply_dense(self, grad, var):
        raise NotImplementedError

    def _hyper(self, value, var):
        """A hyperparameter (Python number or tensor) in the variable's dtype."""
        t = convert_to_tensor(value)
        return cast(t, var.dtype) if t.dtype != var.dtype else t


class GradientDescentOptimizer(Optimizer):
    """``var -= learning_rate * grad`` (the learning rate may be a tensor)."""

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate

    def _apply_dense(self, grad, var):
        return assign_sub(var, self._hyper(self._learning_rate, var) * grad).op
