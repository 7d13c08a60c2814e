"""``static_rnn`` and ``static_bidirectional_rnn``: an RNN unrolled while the graph is built
(a Python loop over a list of per-step inputs; no control flow in the graph).

With ``sequence_length``, a batch element's steps at or past its length give zeros as output
and carry its state through unchanged, as in TF1 (which skips the cell with a ``cond`` where
no element needs it, and chooses rows with ``where`` where some do).
"""

from .. import dtypes, errors, nest
from ..ops.cond import cond
from ..ops.elementwise import cast, greater_equal, where
from ..ops.movement import concat, stack, unstack
from ..ops.reduce import reduce_max, reduce_min
from ..ops.sequence import reverse_sequence
from ..ops.shape_ops import shape
from ..ops.sources import convert_to_tensor
from ..variable_scope import variable_scope
from .cell_base import check_like_cell, zeros_for_batch


def _inputs(inputs):
    if not isinstance(inputs, (list, tuple)):
        raise errors.at_user_line(errors.DTypeError, "Argument `inputs` must be a sequence "
                                  f"(a list of [batch, depth] tensors), received: {inputs!r}")
    if not inputs:
        raise errors.at_user_line(errors.InvalidArgumentError,
                                  "Argument `inputs` must not be empty.")
    return [nest.map_structure(convert_to_tensor, x) for x in inputs]


def _batch_size(inputs):
    """The batch size: an int if every input knows it, else the first input's, at run time."""
    first = nest.flatten(inputs[0])[0]
    for x in nest.flatten(inputs):
        if x.shape.ndims is not None and x.shape.ndims >= 2 and \
                not x.shape[1:].is_fully_defined():
            raise errors.at_user_line(
                errors.ShapeError, f"Input size (the dimensions after the first of "
                f"{errors.describe(x)}) must be accessible via shape inference, but saw None.")
    known = [x.shape[0] for x in nest.flatten(inputs) if x.shape.ndims]
    static = next((d for d in known if d is not None), None)
    return static if static is not None else shape(first)[0]


def static_rnn(cell, inputs, initial_state=None, dtype=None, sequence_length=None,
               scope=None):
    """``cell`` applied to each of ``inputs`` (a list of ``[batch, depth]`` tensors) in
    turn, in variable scope ``scope`` (default ``"rnn"``): ``(outputs, final_state)``.

    Without ``initial_state`` the state starts at ``cell.zero_state(batch, dtype)``.
    ``sequence_length`` (int vector ``[batch]``): outputs are zeros from each element's
    length on, and its final state is the one at its length.
    """
    check_like_cell("cell", cell)
    inputs = _inputs(inputs)
    outputs = []
    with variable_scope(scope or "rnn") as varscope:
        batch_size = _batch_size(inputs)
        if initial_state is not None:
            state = initial_state
        elif not dtype:
            raise errors.at_user_line(errors.InvalidArgumentError, "If no initial_state is "
                                      "provided, argument `dtype` must be specified")
        else:
            state = cell.zero_state(batch_size, dtype)
        if sequence_length is not None:
            lengths = _lengths(sequence_length)
            zero_output = _zero_output(cell.output_size, batch_size, dtype or _dtype(state))
        for time, x in enumerate(inputs):
            if time > 0:
                varscope.reuse_variables()
            if sequence_length is None:
                output, state = cell(x, state)
            else:
                output, state = _masked_step(cell, x, state, time, lengths, zero_output)
            outputs.append(output)
        return outputs, state


def _lengths(sequence_length):
    lengths = convert_to_tensor(sequence_length, name="sequence_length")
    if lengths.shape.ndims not in (None, 1):
        raise errors.at_user_line(
            errors.ShapeError, "Argument `sequence_length` must be a vector of length "
            f"batch_size. Received {errors.describe(lengths)}.")
    return cast(lengths, dtypes.int32)


def _dtype(state):
    found = {s.dtype for s in nest.flatten(state)}
    if len(found) != 1:
        raise errors.at_user_line(errors.DTypeError, f"the state {state!r} has tensors of "
                                  "different dtypes: give dtype=")
    return found.pop()


def _zero_output(output_size, batch_size, dtype):
    return nest.map_structure(lambda size: zeros_for_batch(batch_size, size, dtype),
                              output_size)


def _masked_step(cell, x, state, time, lengths, zero_output):
    """One step where each row at or past its length keeps zeros and its old state, as
    TF1's ``_rnn_step`` builds it: no cell at all once every row has ended, the cell alone
    while none has, the rows chosen with ``where`` in between (two nested ``cond``s)."""
    shortest, longest = reduce_min(lengths), reduce_max(lengths)
    flat_old = nest.flatten(zero_output) + nest.flatten(state)
    made = {}

    def run_cell():
        new_output, new_state = cell(x, state)
        nest.assert_same_structure(zero_output, new_output)
        nest.assert_same_structure(state, new_state)
        made["structure"] = (new_output, new_state)
        flat_new = nest.flatten(new_output) + nest.flatten(new_state)

        def copy_some_through():
            done = greater_equal(time, lengths)  # [batch]: where picks whole rows
            return [where(done, convert_to_tensor(old), new)
                    for old, new in zip(flat_old, flat_new)]

        return cond(time < shortest, lambda: flat_new, copy_some_through)

    flat = cond(time >= longest, lambda: flat_old, run_cell)
    flat = flat if isinstance(flat, list) else [flat]
    n = len(nest.flatten(zero_output))
    return (nest.pack_sequence_as(zero_output, flat[:n]),
            nest.pack_sequence_as(state, flat[n:]))


def _reverse_steps(inputs, lengths):
    """The list of steps reversed, each element's first ``lengths[b]`` only when given."""
    if lengths is None:
        return list(reversed(inputs))
    flat = [nest.flatten(x) for x in inputs]
    columns = []
    for steps in zip(*flat):  # one leaf of the structure, every step of it
        reversed_ = reverse_sequence(stack(steps), lengths, seq_axis=0, batch_axis=1)
        columns.append(unstack(reversed_, num=len(steps)))
    return [nest.pack_sequence_as(inputs[0], [column[t] for column in columns])
            for t in range(len(inputs))]


def static_bidirectional_rnn(cell_fw, cell_bw, inputs, initial_state_fw=None,
                             initial_state_bw=None, dtype=None, sequence_length=None,
                             scope=None):
    """A forward ``static_rnn`` (scope ``fw``) and one over the reversed steps (scope
    ``bw``; with ``sequence_length`` each element's first ``length`` steps reversed), in
    scope ``scope`` (default ``"bidirectional_rnn"``): ``(outputs, state_fw, state_bw)``,
    each output the forward and backward outputs of its step concatenated."""
    check_like_cell("cell_fw", cell_fw)
    check_like_cell("cell_bw", cell_bw)
    inputs = _inputs(inputs)
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            output_fw, state_fw = static_rnn(cell_fw, inputs, initial_state_fw, dtype,
                                             sequence_length, scope=fw_scope)
        with variable_scope("bw") as bw_scope:
            lengths = None if sequence_length is None else _lengths(sequence_length)
            reversed_inputs = _reverse_steps(inputs, lengths)
            reversed_outputs, state_bw = static_rnn(cell_bw, reversed_inputs,
                                                    initial_state_bw, dtype, sequence_length,
                                                    scope=bw_scope)
    output_bw = _reverse_steps(reversed_outputs, lengths)
    outputs = [nest.pack_sequence_as(fw, [concat([f, b], 1) for f, b in
                                          zip(nest.flatten(fw), nest.flatten(bw))])
               for fw, bw in zip(output_fw, output_bw)]
    return outputs, state_fw, state_bw
