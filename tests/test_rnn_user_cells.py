"""RNNCell subclasses written by users, as TF1 programs write them (TF1's add_variable)."""

import numpy as np
import pytest

import graphflow as gf


@pytest.fixture(autouse=True)
def fresh_graph():
    gf.reset_default_graph()


class SumCell(gf.nn.rnn_cell.RNNCell):
    """state' = tanh([state, x] @ W + b), its variables made with TF1's positional
    ``add_variable(name, shape, dtype, initializer)`` (mtanti's deeplearningtutorial cells)
    and ``add_weight`` with keywords."""

    @property
    def state_size(self):
        return 2

    @property
    def output_size(self):
        return 2

    def build(self, input_shape):
        self.W = self.add_variable("W", [2 + 1, 2], gf.float32, gf.constant_initializer(0.5))
        self.b = self.add_weight(name="b", shape=[2], initializer=gf.zeros_initializer(),
                                 trainable=False)

    def call(self, x, state):
        new = gf.tanh(gf.matmul(gf.concat([state, x], axis=1), self.W) + self.b)
        return new, new


def test_a_user_cell_makes_its_variables_with_tf1_add_variable_arguments():
    x = gf.constant(np.ones((1, 2, 1), np.float32))
    cell = SumCell()
    outputs, state = gf.nn.dynamic_rnn(cell, x, dtype=gf.float32)
    assert [v.name for v in cell.variables] == ["rnn/sum_cell/W:0", "rnn/sum_cell/b:0"]
    assert [v.name for v in gf.trainable_variables()] == ["rnn/sum_cell/W:0"]
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        got = sess.run(state)
    first = np.tanh(0.5)
    np.testing.assert_allclose(got, [[np.tanh(0.5 * (2 * first + 1))] * 2], rtol=1e-6)
