"""Optimizers: ``minimize`` = ``compute_gradients`` (symbolic) + ``apply_gradients`` (assigns).

Update ops are ordinary graph ops with role ``"update"``; running the returned op
applies one step. A subclass gives the update rule for one variable (``_apply_dense``)
and may keep per-variable state in *slots* (TF1's ``w/Adam``...) or optimizer-wide
state in non-slot variables (Adam's ``beta1_power``). Every update is written as
elementwise expressions of the pre-step values, then assigned, so one variable's
step can be fused into one kernel. Gradients are always dense (graphflow has no
``IndexedSlices``), so there is no sparse update path.
"""

from .. import errors
from ..autodiff import gradients
from ..graph import get_default_graph, name_scope
from ..ops.control import group
from ..ops.elementwise import cast
from ..ops.sources import convert_to_tensor, fill
from ..ops.state import Variable, assign_add, assign_sub, trainable_variables


class Optimizer:
    """Base class: subclasses implement ``_apply_dense(grad, var)`` returning an update op,
    and ``_create_slots(var_list)`` if they keep state."""

    def __init__(self, use_locking=False, name="Optimizer"):
        if not name:
            raise errors.at_user_line(errors.InvalidArgumentError, "Must specify the optimizer "
                                      "name")
        self._use_locking = use_locking
        self._name = name
        self._slots = {}  # slot name -> {variable: slot variable}
        self._non_slots = {}  # (name, graph) -> variable

    def get_name(self):
        return self._name

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
        """One op that updates each variable from its gradient (and bumps ``global_step``).

        Slots are made first, outside any control dependencies and name scope of the
        update, so ``global_variables_initializer()`` built afterwards initializes them.
        """
        grads_and_vars = list(grads_and_vars)
        for _, var in grads_and_vars:
            if not isinstance(var, Variable):
                raise errors.at_user_line(errors.DTypeError,
                                          f"apply_gradients needs Variables, got {var!r}")
        applied = [(g, v) for g, v in grads_and_vars if g is not None]
        if not applied:
            names = ", ".join(repr(v.name) for _, v in grads_and_vars)
            raise errors.at_user_line(errors.InvalidArgumentError,
                                      f"no gradient for any variable ({names}): does the "
                                      "loss depend on them?")
        graph = get_default_graph()
        with graph.control_dependencies(None):  # TF1's init_scope
            self._create_slots([v for _, v in applied])
        with name_scope(name, self._name) as scope, graph.role("update"):
            updates = []
            for grad, var in applied:
                with name_scope(f"update_{var.op.name}"):
                    updates.append(self._apply_dense(grad, var))
            if global_step is None:
                return self._finish(updates, scope)
            with graph.control_dependencies([self._finish(updates, "update")]):
                return assign_add(global_step, 1, name=scope).op

    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=1,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None,
                 grad_loss=None):
        """Build the gradients of ``loss`` and the op that applies them: one training step."""
        grads_and_vars = self.compute_gradients(loss, var_list, grad_loss=grad_loss)
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    # -- slots ----------------------------------------------------------------------------
    def get_slot(self, var, name):
        """The slot variable ``name`` (e.g. ``"m"``) kept for ``var``, or None."""
        return self._slots.get(name, {}).get(var)

    def get_slot_names(self):
        """The names of the slots this optimizer keeps per variable, sorted."""
        return sorted(self._slots)

    def variables(self):
        """The slot and non-slot variables this optimizer made in the default graph."""
        graph = get_default_graph()
        found = [v for slots in self._slots.values() for v in slots.values() if v.graph is graph]
        found += [v for (_, g), v in self._non_slots.items() if g is graph]
        return sorted(found, key=lambda v: v.name)

    def _create_slots(self, var_list):
        """Make the slots of each variable (called once per ``apply_gradients``)."""

    def _slot(self, var, slot_name, op_name, value=0.0):
        """Get or make ``var``'s slot ``slot_name``: a non-trainable variable named
        ``<var>/<op_name>`` (``_1``, ``_2``... when taken) filled with ``value``."""
        slots = self._slots.setdefault(slot_name, {})
        if var not in slots:
            def initial_value():  # called inside the slot's name scope
                with var.graph.name_scope("Initializer"):
                    return fill(var.shape.as_list(), convert_to_tensor(value, var.dtype),
                                name={0: "zeros", 1: "ones"}.get(value, "Fill"))

            with var.graph.name_scope(None):  # slot names come from the variable's, not ours
                slots[var] = Variable(initial_value, trainable=False, name=f"{var.op.name}/"
                                      f"{op_name}")
        return slots[var]

    def _non_slot(self, name, initial_value):
        """Get or make the optimizer-wide variable ``name`` (one per graph)."""
        graph = get_default_graph()
        if (name, graph) not in self._non_slots:
            self._non_slots[name, graph] = Variable(initial_value, trainable=False, name=name)
        return self._non_slots[name, graph]

    def _get_non_slot(self, name):
        return self._non_slots[name, get_default_graph()]

    # -- the update rule ------------------------------------------------------------------
    def _apply_dense(self, grad, var):
        raise NotImplementedError

    def _finish(self, update_ops, name):
        """The op that completes one step, given each variable's update op."""
        return group(*update_ops, name=name)

    def _hyper(self, value, var):
        """A hyperparameter (Python number, tensor, or a function returning one) in the
        variable's dtype."""
        t = convert_to_tensor(value() if callable(value) else value)
        return cast(t, var.dtype) if t.dtype != var.dtype else t


class GradientDescentOptimizer(Optimizer):
    """``var -= learning_rate * grad`` (the learning rate may be a tensor)."""

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate

    def _apply_dense(self, grad, var):
        return assign_sub(var, self._hyper(self._learning_rate, var) * grad).op
