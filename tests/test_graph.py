"""Graph model: names, scopes, control dependencies, collections, source lines."""

import pytest

import graphflow as gf


@pytest.fixture(autouse=True)
def fresh_graph():
    gf.reset_default_graph()


def test_tf1_names_are_unique_and_scoped():
    a = gf.constant(1.0)
    b = gf.constant(2.0)
    assert (a.name, b.name) == ("Const:0", "Const_1:0")
    assert (a + b).name == "add:0" and (a + b).name == "add_1:0"
    with gf.name_scope("outer"):
        with gf.name_scope("inner") as scope:
            c = gf.add(a, b, name="c")
        assert scope == "outer/inner/"
        d = gf.identity(c)
    assert c.name == "outer/inner/c:0"
    assert d.name == "outer/Identity:0"
    with gf.name_scope("outer"):  # a second scope of the same name is uniquified
        e = gf.identity(a)
    assert e.name == "outer_1/Identity:0"
    with gf.name_scope("outer/"):  # a trailing slash re-enters exactly
        f = gf.identity(a)
    assert f.name == "outer/Identity_1:0"
    with gf.name_scope("x"), gf.name_scope(None):
        g = gf.identity(a)
    assert g.name == "Identity:0"


def test_tensor_attributes():
    x = gf.placeholder(gf.float32, shape=[None, 3], name="x")
    assert x.op.type == "Placeholder" and x.op.name == "x" and x.value_index == 0
    assert x.graph is gf.get_default_graph()
    assert x.shape.as_list() == [None, 3] and x.shape.ndims == 2 and x.get_shape() == x.shape
    assert x.dtype == gf.float32 and x.dtype == "float32" and x.dtype.as_numpy_dtype.__name__ == "float32"
    assert x.op.outputs == (x,) and x.consumers() == []
    y = x * 2
    assert x.consumers() == [y.op]
    assert gf.placeholder(gf.int32).shape.ndims is None


def test_graph_lookup_and_as_default():
    g = gf.Graph()
    with g.as_default():
        x = gf.constant([1, 2], name="x")
        assert gf.get_default_graph() is g
    assert gf.get_default_graph() is not g
    assert g.get_tensor_by_name("x:0") is x
    assert g.get_operation_by_name("x") is x.op
    assert g.as_graph_element("x") is x.op
    assert g.get_operations() == [x.op]
    with pytest.raises(gf.errors.NotFoundError, match="no operation named 'nope'"):
        g.get_tensor_by_name("nope:0")
    with pytest.raises(gf.errors.NotFoundError, match="has 1 output"):
        g.get_tensor_by_name("x:1")


def test_control_dependencies_group_no_op():
    a = gf.constant(1.0)
    b = gf.no_op(name="b")
    with gf.control_dependencies([a, b]):
        c = gf.identity(a)
        with gf.control_dependencies(None):
            d = gf.identity(a)
    assert c.op.control_inputs == (b,)  # `a` is already a data input
    assert d.op.control_inputs == ()
    grouped = gf.group(c, b, name="all")
    assert grouped.type == "NoOp" and set(grouped.control_inputs) == {c.op, b}


def test_collections_and_variables():
    v = gf.Variable(1.0, name="v")
    w = gf.Variable([1, 2], trainable=False, name="w")
    assert v.name == "v:0" and v.op.type == "VariableV2"
    assert v.initial_value.name == "v/initial_value:0"
    assert v.initializer.name == "v/Assign"
    assert gf.global_variables() == [v, w]
    assert gf.trainable_variables() == [v]
    gf.add_to_collection("mine", v)
    assert gf.get_collection("mine") == [v]
    assert gf.get_collection("variables", scope="w") == [w]


def test_every_op_records_the_user_line():
    x = gf.placeholder(gf.float32)  # line recorded
    y = gf.nn.softmax(x)  # a composite: all its primitives point here
    assert x.op.source.filename == __file__
    assert x.op.source.code == "x = gf.placeholder(gf.float32)  # line recorded"
    inner_ops = [op for op in gf.get_default_graph().get_operations() if op.name.startswith("Softmax")]
    assert len(inner_ops) > 3
    assert {op.source.code for op in inner_ops} == {"y = gf.nn.softmax(x)  # a composite: all its primitives point here"}
    assert y.op.source.lineno == x.op.source.lineno + 1


def test_tensor_is_not_a_python_value():
    x = gf.constant([1.0, 2.0])
    with pytest.raises(TypeError, match="Python bool"):
        bool(x)
    with pytest.raises(TypeError, match="cannot be iterated"):
        list(x)
    with pytest.raises(TypeError, match="fetch it with Session.run"):
        import numpy as np

        np.asarray(x)
    assert x != gf.constant([1.0, 2.0])  # identity, as in TF1 graph mode
    assert {x: 1}[x] == 1


def test_numpy_operand_on_the_left_defers_to_the_tensor():
    import numpy as np

    x = gf.constant([1.0, 2.0])
    y = np.float32(2) * x
    z = np.array([1.0, 1.0], np.float32) + x
    with gf.Session() as sess:
        np.testing.assert_array_equal(sess.run([y, z]), [[2, 4], [2, 3]])


def test_set_shape_narrows():
    x = gf.placeholder(gf.float32)
    x.set_shape([None, 3])
    assert x.shape.as_list() == [None, 3]
    x.set_shape([2, 3])
    assert x.shape.as_list() == [2, 3]
    with pytest.raises(gf.errors.ShapeError):
        x.set_shape([4, 3])
