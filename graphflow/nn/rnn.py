"""``dynamic_rnn`` and ``bidirectional_dynamic_rnn``: a cell run over time by a
``while_loop`` in the graph (TF1's construction, so names, variables and numbers match).

The loop carries the time, a TensorArray of outputs and the cell's state; the inputs are
read from a TensorArray. With ``sequence_length``, a sequence that has ended outputs zeros
and keeps its state (TF1's ``_rnn_step`` without conditionals).
"""

from .. import errors, nest
from ..dtypes import int32
from ..graph import get_default_graph
from ..ops.elementwise import cast, greater_equal, where
from ..ops.movement import stack, transpose
from ..ops.reduce import reduce_max
from ..ops.sequence import reverse_sequence
from ..ops.shape_ops import shape as shape_of
from ..ops.sources import convert_to_tensor, zeros
from ..ops.tensor_array import TensorArray
from ..ops.while_loop import while_loop
from ..variable_scope import variable_scope


def _time_major(x):
    """[batch, time, ...] -> [time, batch, ...] (and back: the same permutation)."""
    rank = x.shape.ndims
    if rank is None or rank < 2:
        raise errors.at_user_line(
            ValueError, f"RNN inputs must have rank 2 or more, got {errors.describe(x)}")
    return transpose(x, [1, 0] + list(range(2, rank)))


def _static_or(t, axis):
    d = t.shape.dims[axis] if t.shape.ndims is not None else None
    return d if d is not None else shape_of(t)[axis]


def dynamic_rnn(cell, inputs, sequence_length=None, initial_state=None, dtype=None,
                parallel_iterations=None, swap_memory=False, time_major=False, scope=None):
    """Run ``cell`` over the time axis of ``inputs`` ([batch, time, ...], or [time, batch,
    ...] with ``time_major``): returns ``(outputs, final_state)``, outputs stacked over
    time in the same layout. ``initial_state`` defaults to ``cell.zero_state`` (then
    ``dtype`` is needed); past its ``sequence_length`` a row outputs zeros and keeps its
    state."""
    with variable_scope(scope or "rnn"):
        flat = [convert_to_tensor(x) for x in nest.flatten(inputs)]
        if not time_major:
            flat = [_time_major(x) for x in flat]
        batch = _static_or(flat[0], 1)
        if initial_state is not None:
            state = initial_state
        else:
            if dtype is None:
                raise errors.at_user_line(
                    ValueError, "If there is no initial_state, you must give a dtype.")
            state = cell.zero_state(batch, dtype)
        if sequence_length is not None:
            sequence_length = cast(convert_to_tensor(sequence_length), int32,
                                   name="sequence_length")
            if sequence_length.shape.ndims not in (None, 1):
                raise errors.at_user_line(
                    ValueError, f"sequence_length must be a vector of length batch_size, got "
                    f"{errors.describe(sequence_length)}")
        outputs, final_state = _loop(cell, flat, inputs, state, sequence_length,
                                     parallel_iterations, swap_memory)
        if not time_major:
            outputs = nest.map_structure(_time_major, outputs)
        return outputs, final_state


def _loop(cell, flat, structure, state, sequence_length, parallel_iterations, swap_memory):
    time_steps = _static_or(flat[0], 0)
    static_steps = flat[0].shape.dims[0] if flat[0].shape.ndims else None
    graph = get_default_graph()
    with graph.name_scope("dynamic_rnn") as base:
        inputs_ta = [TensorArray(x.dtype, size=time_steps, element_shape=x.shape[1:],
                                 tensor_array_name=base + f"input_{i}").unstack(x)
                     for i, x in enumerate(flat)]
        output_size = nest.flatten(cell.output_size)
        out_dtype = nest.flatten(state)[0].dtype if nest.flatten(state) else flat[0].dtype
        batch = _static_or(flat[0], 1)
        outputs_ta = [TensorArray(out_dtype, size=time_steps,
                                  element_shape=[flat[0].shape.dims[1]
                                                 if flat[0].shape.ndims else None, n],
                                  tensor_array_name=base + f"output_{i}")
                      for i, n in enumerate(output_size)]
        time = convert_to_tensor(0, int32, name="time")
        bound = time_steps
        if sequence_length is not None:
            from ..ops.elementwise import maximum, minimum
            bound = minimum(time_steps, maximum(1, reduce_max(sequence_length)))
            zero_output = [zeros(stack([batch, n]), out_dtype) for n in output_size]

    def step(time, outputs_ta, state):
        x = nest.pack_sequence_as(structure, [ta.read(time) for ta in inputs_ta])
        for t, ta in zip(nest.flatten(x), inputs_ta):
            t.set_shape(ta.element_shape)
        output, new_state = cell(x, state)
        if sequence_length is not None:
            done = greater_equal(time, sequence_length)
            output = nest.pack_sequence_as(output, [
                where(done, z, o) for z, o in zip(zero_output, nest.flatten(output))])
            new_state = nest.pack_sequence_as(new_state, [
                where(done, s, n) for s, n in zip(nest.flatten(state),
                                                 nest.flatten(new_state))])
        outputs_ta = tuple(ta.write(time, o) for ta, o in zip(outputs_ta, nest.flatten(output)))
        return time + 1, outputs_ta, new_state

    _, outputs_ta, final_state = while_loop(
        lambda time, *_: time < bound, step, (time, tuple(outputs_ta), state),
        parallel_iterations=parallel_iterations or 32, swap_memory=swap_memory,
        maximum_iterations=time_steps)
    outputs = []
    for ta in outputs_ta:
        out = ta.stack()
        if static_steps is not None and out.shape.ndims is not None:
            out.set_shape([static_steps] + out.shape.as_list()[1:])
        outputs.append(out)
    return nest.pack_sequence_as(cell.output_size, outputs), final_state


def bidirectional_dynamic_rnn(cell_fw, cell_bw, inputs, sequence_length=None,
                              initial_state_fw=None, initial_state_bw=None, dtype=None,
                              parallel_iterations=None, swap_memory=False, time_major=False,
                              scope=None):
    """Two ``dynamic_rnn``s, forward and over the reversed sequences (TF1's scopes
    ``bidirectional_rnn/fw`` and ``/bw``): ``((out_fw, out_bw), (state_fw, state_bw))``."""
    time_axis, batch_axis = (0, 1) if time_major else (1, 0)

    def reverse(x):
        if sequence_length is None:
            return x[(slice(None),) * time_axis + (slice(None, None, -1),)]
        return reverse_sequence(x, sequence_length, seq_axis=time_axis, batch_axis=batch_axis)

    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            out_fw, state_fw = dynamic_rnn(cell_fw, inputs, sequence_length, initial_state_fw,
                                           dtype, parallel_iterations, swap_memory, time_major,
                                           scope=fw_scope)
        with variable_scope("bw") as bw_scope:
            reversed_inputs = nest.map_structure(reverse, inputs)
            tmp, state_bw = dynamic_rnn(cell_bw, reversed_inputs, sequence_length,
                                        initial_state_bw, dtype, parallel_iterations,
                                        swap_memory, time_major, scope=bw_scope)
    out_bw = nest.map_structure(reverse, tmp)
    return (out_fw, out_bw), (state_fw, state_bw)


__all__ = ["dynamic_rnn", "bidirectional_dynamic_rnn"]
