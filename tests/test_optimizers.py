"""Momentum, Adam, RMSProp and Adagrad: TF1's update rules (against NumPy, step by step),
slots as variables, hyperparameter tensors, the global step, and TF1's own numbers
(``tests/tf1_programs/optimizers_expected.py``)."""

import inspect

import numpy as np
import pytest
import tf1_runner

import graphflow as gf

BACKENDS = ["numpy", "numba"]
PROGRAM = "optimizers_expected.py"


@pytest.fixture(autouse=True)
def fresh_graph():
    gf.reset_default_graph()


# -- the rules, in NumPy (float64, textbook form) ------------------------------------------------

class NumpyMomentum:
    slots = {"momentum": 0.0}

    def __init__(self, lr, momentum, use_nesterov=False):
        self.lr, self.mu, self.nesterov = lr, momentum, use_nesterov

    def step(self, var, g, s, t, lr):
        s["momentum"] = s["momentum"] * self.mu + g
        if self.nesterov:
            return var - lr * g - lr * self.mu * s["momentum"]
        return var - lr * s["momentum"]


class NumpyAdam:
    """``power_dtype``: TF1 keeps beta1**t and beta2**t in float32 variables (products
    rounded each step) when the betas are Python numbers, even for float64 variables."""

    slots = {"m": 0.0, "v": 0.0}

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, power_dtype=np.float64):
        self.lr, self.b1, self.b2, self.eps = lr, beta1, beta2, epsilon
        self.power_dtype = power_dtype

    def _power(self, beta, t):
        p = self.power_dtype(beta)
        for _ in range(t - 1):
            p = p * self.power_dtype(beta)
        return float(p)

    def step(self, var, g, s, t, lr):
        lr_t = lr * np.sqrt(1 - self._power(self.b2, t)) / (1 - self._power(self.b1, t))
        s["m"] = self.b1 * s["m"] + (1 - self.b1) * g
        s["v"] = self.b2 * s["v"] + (1 - self.b2) * g * g
        return var - lr_t * s["m"] / (np.sqrt(s["v"]) + self.eps)


class NumpyRMSProp:
    def __init__(self, lr, decay=0.9, momentum=0.0, epsilon=1e-10, centered=False):
        self.lr, self.decay, self.mu, self.eps, self.centered = (
            lr, decay, momentum, epsilon, centered)
        self.slots = {"rms": 1.0, "momentum": 0.0, **({"mg": 0.0} if centered else {})}

    def step(self, var, g, s, t, lr):
        s["rms"] = self.decay * s["rms"] + (1 - self.decay) * g * g
        denom = s["rms"]
        if self.centered:
            s["mg"] = self.decay * s["mg"] + (1 - self.decay) * g
            denom = s["rms"] - s["mg"] ** 2
        s["momentum"] = self.mu * s["momentum"] + lr * g / np.sqrt(denom + self.eps)
        return var - s["momentum"]


class NumpyAdagrad:
    def __init__(self, lr, initial_accumulator_value=0.1):
        self.lr = lr
        self.slots = {"accumulator": initial_accumulator_value}

    def step(self, var, g, s, t, lr):
        s["accumulator"] = s["accumulator"] + g * g
        return var - lr * g / np.sqrt(s["accumulator"])


CASES = {  # name -> (graphflow optimizer class, NumPy rule class, keyword arguments)
    "momentum": (gf.train.MomentumOptimizer, NumpyMomentum, {"momentum": 0.9}),
    "nesterov": (gf.train.MomentumOptimizer, NumpyMomentum,
                 {"momentum": 0.7, "use_nesterov": True}),
    "adam": (gf.train.AdamOptimizer, NumpyAdam, {}),
    "adam_hyper": (gf.train.AdamOptimizer, NumpyAdam,
                   {"beta1": 0.5, "beta2": 0.9, "epsilon": 0.1}),
    "rmsprop": (gf.train.RMSPropOptimizer, NumpyRMSProp, {}),
    "rmsprop_momentum": (gf.train.RMSPropOptimizer, NumpyRMSProp,
                         {"decay": 0.8, "momentum": 0.6, "epsilon": 1e-4}),
    "rmsprop_centered": (gf.train.RMSPropOptimizer, NumpyRMSProp,
                         {"momentum": 0.3, "centered": True, "epsilon": 1e-3}),
    "adagrad": (gf.train.AdagradOptimizer, NumpyAdagrad, {"initial_accumulator_value": 0.5}),
}
LEARNING_RATES = [0.1, 0.03, 0.07]  # per step, when fed through a placeholder

W0 = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
U0 = np.array([0.3, -1.2, 2.5])
A = np.array([[1.0, 0.5, 2.0], [0.25, 3.0, 1.0]])


def _problem(dtype=gf.float32):
    """loss = sum(A * w**2) + sum(w) + sum(sin(u)); gradients 2*A*w + 1 and cos(u)."""
    w = gf.Variable(W0.astype(dtype.np), name="w")
    u = gf.Variable(U0.astype(dtype.np), name="u")
    loss = gf.reduce_sum(A.astype(dtype.np) * gf.square(w)) + gf.reduce_sum(w) + \
        gf.reduce_sum(gf.sin(u))
    return w, u, loss


def _numpy_steps(rule, learning_rates):
    """Values and slots of (w, u) after each step of ``rule``."""
    values = {"w": W0.copy(), "u": U0.copy()}
    slots = {k: {n: np.full_like(v, init) for n, init in rule.slots.items()}
             for k, v in values.items()}
    history = []
    for t, lr in enumerate(learning_rates, start=1):
        grads = {"w": 2 * A * values["w"] + 1, "u": np.cos(values["u"])}
        values = {k: rule.step(values[k], grads[k], slots[k], t, lr) for k in values}
        history.append(({k: v.copy() for k, v in values.items()},
                        {k: {n: s.copy() for n, s in d.items()} for k, d in slots.items()}))
    return history


def _check_steps(case, backend, fed):
    opt_class, rule_class, kwargs = CASES[case]
    w, u, loss = _problem()
    lr = gf.placeholder(gf.float32, [], name="lr") if fed else 0.05
    opt = opt_class(lr, **kwargs)
    train = opt.minimize(loss)
    rates = LEARNING_RATES if fed else [0.05] * 3
    expected = _numpy_steps(rule_class(0.05, **kwargs), rates)
    with gf.Session(backend=backend) as sess:
        sess.run(gf.global_variables_initializer())
        for rate, (values, slots) in zip(rates, expected):
            sess.run(train, {lr: rate} if fed else None)
            for var in (w, u):
                name = var.op.name
                np.testing.assert_allclose(sess.run(var), values[name], rtol=1e-5, atol=1e-6)
                for slot in opt.get_slot_names():
                    np.testing.assert_allclose(sess.run(opt.get_slot(var, slot)),
                                               slots[name][slot], rtol=1e-5, atol=1e-6,
                                               err_msg=f"{name}/{slot}")
    assert sorted(opt.get_slot_names()) == sorted(rule_class(0.05, **kwargs).slots)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_three_steps_follow_the_tf1_rule(case, backend):
    _check_steps(case, backend, fed=False)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_learning_rate_fed_per_step(case, backend):
    _check_steps(case, backend, fed=True)


# -- slots ---------------------------------------------------------------------------------------

SLOT_NAMES = {  # case -> [(slot, variable name suffix, initial value)]
    "momentum": [("momentum", "Momentum", 0.0)],
    "adam": [("m", "Adam", 0.0), ("v", "Adam_1", 0.0)],
    "rmsprop": [("rms", "RMSProp", 1.0), ("momentum", "RMSProp_1", 0.0)],
    "rmsprop_centered": [("rms", "RMSProp", 1.0), ("mg", "RMSProp_1", 0.0),
                         ("momentum", "RMSProp_2", 0.0)],
    "adagrad": [("accumulator", "Adagrad", 0.5)],
}


@pytest.mark.parametrize("case", sorted(SLOT_NAMES))
def test_slots_are_variables_named_like_tf1(case):
    opt_class, _, kwargs = CASES[case]
    w, u, loss = _problem()
    with gf.name_scope("outer"), gf.control_dependencies([gf.no_op(name="before")]):
        train = opt_class(0.05, **kwargs).minimize(loss)
    opt = opt_class(0.05, **kwargs)
    train = opt.minimize(loss)
    init = gf.global_variables_initializer()  # made after minimize: covers the slots
    assert opt.get_slot_names() == sorted(s for s, _, _ in SLOT_NAMES[case])
    assert opt.get_slot(w, "no such slot") is None
    globals_ = gf.global_variables()
    with gf.Session() as sess:
        sess.run(init)
        for var in (w, u):
            for slot_name, suffix, initial in SLOT_NAMES[case]:
                slot = opt.get_slot(var, slot_name)
                # the first optimizer took <var>/<suffix>: names are made unique like TF1's
                first, _, index = suffix.partition("_")
                taken = len(SLOT_NAMES[case]) + int(index or 0)
                assert slot.name == f"{var.op.name}/{first}_{taken}:0"
                assert not slot.trainable and slot in globals_
                assert slot not in gf.trainable_variables()
                assert slot.shape == var.shape and slot.dtype == var.dtype
                assert not slot.op.control_inputs and slot.op.role == "forward"
                np.testing.assert_array_equal(sess.run(slot), np.full(var.shape.as_list(),
                                                                      initial, np.float32))
    assert train.name == opt.get_name() and train.role == "update"
    assert set(opt.variables()) <= set(globals_)


def test_slot_names_of_a_first_optimizer_and_reuse_across_minimize_calls():
    w, u, loss = _problem()
    opt = gf.train.AdamOptimizer()
    opt.minimize(loss)
    assert [v.name for v in opt.variables()] == [
        "beta1_power:0", "beta2_power:0", "u/Adam:0", "u/Adam_1:0", "w/Adam:0", "w/Adam_1:0"]
    opt.minimize(loss * 2.0, var_list=[w])  # the same slots serve a second training op
    assert len(opt.variables()) == 6
    for power in opt.variables()[:2]:
        assert power.dtype == gf.float32 and not power.trainable


def test_adam_updates_beta_powers_after_the_variables_in_the_same_op():
    w, u, loss = _problem()
    opt = gf.train.AdamOptimizer(0.1, beta1=0.5, beta2=0.75)
    train = opt.minimize(loss)
    beta1_power, beta2_power = opt.variables()[:2]
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        assert sess.run([beta1_power, beta2_power]) == [0.5, 0.75]
        sess.run(train)
        np.testing.assert_allclose(sess.run([beta1_power, beta2_power]), [0.25, 0.5625])
        m = sess.run(opt.get_slot(w, "m"))
        np.testing.assert_allclose(m, 0.5 * (2 * A * W0 + 1), rtol=1e-6)


# -- hyperparameters as tensors, other dtypes ----------------------------------------------------

def test_hyperparameters_may_be_tensors():
    w, u, loss = _problem()
    beta1 = gf.placeholder_with_default(gf.constant(0.5), [])
    momentum = gf.placeholder(gf.float32, [])
    adam = gf.train.AdamOptimizer(gf.constant(0.05), beta1=beta1, beta2=gf.constant(0.9),
                                  epsilon=gf.constant(0.1))
    train_adam = adam.minimize(loss, var_list=[w])
    train_momentum = gf.train.MomentumOptimizer(lambda: gf.constant(0.05), momentum,
                                                use_nesterov=True).minimize(loss, var_list=[u])
    adam_steps = _numpy_steps(NumpyAdam(0.05, 0.5, 0.9, 0.1), [0.05] * 2)
    momentum_steps = _numpy_steps(NumpyMomentum(0.05, 0.7, use_nesterov=True), [0.05] * 2)
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        for step in range(2):
            sess.run([train_adam, train_momentum], {momentum: 0.7})
            np.testing.assert_allclose(sess.run(w), adam_steps[step][0]["w"], rtol=1e-5)
            np.testing.assert_allclose(sess.run(u), momentum_steps[step][0]["u"], rtol=1e-5)
        assert sess.run(adam.variables()[0]) == np.float32(0.125)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", ["adam", "nesterov", "rmsprop_centered", "adagrad"])
def test_float64_variables(case, backend):
    """Python-number hyperparameters become float32 tensors cast to float64, as in TF1."""
    opt_class, rule_class, kwargs = CASES[case]
    w, u, loss = _problem(gf.float64)
    opt = opt_class(0.05, **kwargs)
    train = opt.minimize(loss)
    defaults = {k: p.default for k, p in inspect.signature(rule_class).parameters.items()
                if k != "lr" and p.default is not inspect.Parameter.empty}
    f32 = {k: float(np.float32(v)) if isinstance(v, float) else v
           for k, v in {**defaults, **kwargs}.items()}
    if rule_class is NumpyAdam:
        f32["power_dtype"] = np.float32
    expected = _numpy_steps(rule_class(0.05, **f32), [float(np.float32(0.05))] * 3)[-1][0]
    with gf.Session(backend=backend) as sess:
        sess.run(gf.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        for slot in opt.get_slot_names():
            assert sess.run(opt.get_slot(w, slot)).dtype == np.float64
        np.testing.assert_allclose(sess.run(w), expected["w"], rtol=1e-12)
        np.testing.assert_allclose(sess.run(u), expected["u"], rtol=1e-12)


# -- global step and var_list --------------------------------------------------------------------

def test_global_step_is_made_once_and_counts_training_steps():
    assert gf.train.get_global_step() is None
    step = gf.train.get_or_create_global_step()
    assert step.name == "global_step:0" and step.dtype == gf.int64 and step.shape.ndims == 0
    assert not step.trainable
    assert gf.get_collection(gf.GraphKeys.GLOBAL_STEP) == [step]
    assert step in gf.global_variables() and step not in gf.trainable_variables()
    assert gf.train.get_or_create_global_step() is step and gf.train.get_global_step() is step
    with pytest.raises(gf.errors.InvalidArgumentError, match="already exists"):
        gf.train.create_global_step()
    w, u, loss = _problem()
    train = gf.train.MomentumOptimizer(0.01, 0.5).minimize(loss, global_step=step)
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        assert gf.train.global_step(sess, step) == 0
        for _ in range(3):
            sess.run(train)
        assert gf.train.global_step(sess, step) == 3


def test_global_step_of_another_graph_and_by_name():
    graph = gf.Graph()
    step = gf.train.create_global_step(graph)
    assert step.graph is graph and gf.train.get_global_step() is None
    assert gf.train.get_global_step(graph) is step
    legacy = gf.Variable(0, trainable=False, name="global_step")  # found by its name
    assert gf.train.get_global_step() is legacy
    gf.reset_default_graph()
    gf.Variable(0.5, name="global_step")
    with pytest.raises(gf.errors.DTypeError, match="not an integer scalar"):
        gf.train.get_global_step()


@pytest.mark.parametrize("case", ["adam", "rmsprop_centered"])
def test_minimize_with_var_list_touches_only_those_variables(case):
    opt_class, rule_class, kwargs = CASES[case]
    w, u, loss = _problem()
    opt = opt_class(0.05, **kwargs)
    train = opt.minimize(loss, var_list=[u])
    assert all(opt.get_slot(w, s) is None for s in opt.get_slot_names())
    assert not any(v.name.startswith("w/") for v in gf.global_variables())
    expected = _numpy_steps(rule_class(0.05, **kwargs), [0.05] * 2)[-1][0]
    with gf.Session() as sess:
        sess.run(gf.global_variables_initializer())
        sess.run(train)
        sess.run(train)
        np.testing.assert_array_equal(sess.run(w), W0.astype(np.float32))
        np.testing.assert_allclose(sess.run(u), expected["u"], rtol=1e-5)


# -- TF1's numbers -------------------------------------------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
def test_tf1_training_curves(backend):
    """A 2-layer MLP trained 10 steps by each optimizer: TF1's losses, variables, slots."""
    got = tf1_runner.compute(PROGRAM, backend, lambda: gf.Session(backend=backend))
    assert sorted(got) == sorted(TF1_EXPECTED)
    for case, expected in TF1_EXPECTED.items():
        assert sorted(got[case]) == sorted(expected), case
        assert got[case]["global_step"] == expected["global_step"] == 10
        np.testing.assert_allclose(got[case]["losses"], expected["losses"], rtol=1e-5,
                                   err_msg=f"{case} losses")
        for name, value in expected.items():
            if name in ("losses", "global_step"):
                continue
            shape, values = value
            assert got[case][name].dtype == np.float32
            np.testing.assert_allclose(got[case][name], np.reshape(values, shape), rtol=1e-5,
                                       atol=1e-6, err_msg=f"{case} {name}")


# generated by tests/tf1_programs/optimizers_expected.py with TensorFlow 2.21.0
TF1_EXPECTED = {
    'adam': {
        'losses': [1.19871593, 1.00796914, 0.866016567, 0.767250419, 0.69877243, 0.647857308, 0.605415344, 0.565977514, 0.527206719, 0.488904566],
        'global_step': 10,
        'b1': ([5], [-0.130533934, -0.204461962, -0.535739899, 0.525209129, 0.545366943]),
        'b1/Adam': ([5], [-0.00925030652, 0.0192663819, 0.0488938577, -0.0262708738, -0.0244131386]),
        'b1/Adam_1': ([5], [3.59663159e-06, 9.27543442e-06, 0.000104059633, 3.27556845e-05, 1.49337666e-05]),
        'b2': ([3], [-0.435073316, -0.424676389, 0.427997351]),
        'b2/Adam': ([3], [0.0222510826, 0.0537114814, -0.0759625807]),
        'b2/Adam_1': ([3], [2.82808815e-05, 0.00016059402, 0.000322854728]),
        'beta1_power': ([], [0.313810498]),
        'beta2_power': ([], [0.989054978]),
        'w1': ([4, 5], [-0.820139229, -0.309250146, 0.821954548, 0.0363870934, -1.0569762, -0.872738361, 0.144238964, 0.59828347, -0.616331816, 0.652742207, -0.467332631, -1.23247528, 0.66017127, 0.925173521, -0.210525692, 0.351216733, -0.255043954, -0.00734522752, 0.834912598, 0.230445623]),
        'w1/Adam': ([4, 5], [0.00630214252, -0.0158554874, -0.0146766063, -0.00236185407, -0.00337589416, -0.00109199912, -0.00086686993, -0.0307712797, 0.0142265614, 0.0125225866, 0.00658525154, 0.0191303659, -0.00583163509, 0.00642491831, 0.0103699602, 0.00834813807, -0.0134270862, 0.0157109015, -0.0204339251, -0.00724574644]),
        'w1/Adam_1': ([4, 5], [1.35665255e-06, 5.46368537e-05, 2.32480797e-05, 1.58682178e-06, 8.41722795e-07, 1.84614578e-07, 9.54127026e-05, 3.30459297e-05, 1.44130599e-05, 4.14626629e-06, 1.09330574e-06, 2.59676053e-05, 1.16042645e-06, 9.16750105e-06, 3.02897547e-06, 2.61524769e-06, 7.07034951e-06, 1.46646307e-05, 1.65791134e-05, 5.22744722e-06]),
        'w2': ([5, 3], [-0.458039612, 0.450006008, 0.369939625, 0.00625424273, -0.807226241, -0.163319498, 0.698367953, 0.875609159, -0.555040002, 0.520682991, 0.0209932178, 1.23464894, 0.0931786969, -0.128621817, 0.858889103]),
        'w2/Adam': ([5, 3], [0.0519773364, -0.0105917174, -0.0413856246, 0.0316607803, 0.0131230019, -0.0447837897, -0.0796953961, -0.016561931, 0.096257329, 0.0170257967, 0.0202801507, -0.0373059474, 0.0134697584, 0.00906319451, -0.0225329492]),
        'w2/Adam_1': ([5, 3], [0.000145985716, 2.60383385e-05, 5.77409264e-05, 6.70963054e-05, 7.4948457e-06, 0.000117699652, 0.000229774349, 1.28436986e-05, 0.000261102134, 7.24516576e-05, 2.68866679e-05, 4.63631186e-05, 1.98443431e-05, 1.29075461e-05, 6.40983344e-05]),
    },
    'adam_hyper': {
        'losses': [1.19871593, 1.11986804, 1.04738963, 0.982070148, 0.924056709, 0.873095632, 0.828606725, 0.789750457, 0.755563378, 0.725114822],
        'global_step': 10,
        'b1': ([5], [-0.208175361, 0.0989464223, -0.289176673, 0.275691152, 0.241885409]),
        'b1/Adam': ([5], [-0.00355345779, 0.0256264489, 0.106830597, -0.0675706342, -0.0404253788]),
        'b1/Adam_1': ([5], [6.2534571e-05, 0.000403845421, 0.00779154664, 0.00271055591, 0.000784330943]),
        'b2': ([3], [-0.186380595, -0.187183172, 0.188416302]),
        'b2/Adam': ([3], [0.0564432517, 0.13463968, -0.191082925]),
        'b2/Adam_1': ([3], [0.00209549908, 0.0124690272, 0.0247793384]),
        'beta1_power': ([], [0.0858993679]),
        'beta2_power': ([], [0.568799973]),
        'w1': ([4, 5], [-0.664005637, -0.48745209, 0.597716033, -0.0174545925, -0.978959382, -0.790509403, 0.0224375743, 0.452912956, -0.587469697, 0.813087702, -0.266643286, -1.02450359, 0.383282632, 0.88762933, -0.0647255555, 0.409359872, -0.311677843, 0.0982179046, 0.710868418, 0.2748864]),
        'w1/Adam': ([4, 5], [0.0100317616, -0.0654860139, -0.0508926623, -0.000121200224, 0.00678722886, 0.00208058488, -0.0701990351, -0.00829258747, -0.0150118116, 0.00648744218, 0.00440492947, 0.0387972221, -0.00610368559, -0.01821048, 0.00472359546, 0.00269289454, 0.00511108525, 0.00563266082, -0.0019246391, 0.0138132013]),
        'w1/Adam_1': ([4, 5], [5.68120558e-05, 0.00407540658, 0.00182012317, 5.79975131e-05, 2.37623008e-05, 7.50149593e-06, 0.00585827604, 0.000341375417, 0.000358364166, 2.68961412e-05, 9.99142412e-06, 0.00173814734, 1.63907498e-05, 0.000422714889, 2.14603442e-05, 2.83114405e-05, 4.72000065e-05, 0.000352911535, 0.000206841854, 0.000164129306]),
        'w2': ([5, 3], [-0.225662291, 0.278700948, 0.102381654, 0.237419918, -0.54282856, -0.401651949, 0.429257095, 0.776028752, -0.265237331, 0.679547966, 0.080322817, 0.965261221, 0.30104804, 0.075399138, 0.65486753]),
        'w2/Adam': ([5, 3], [0.121606752, -0.0471137762, -0.0744929761, 0.0782188028, 0.0326429047, -0.110861711, -0.160389364, -0.0072480035, 0.167637378, 0.0677815527, -0.000362775289, -0.067418769, 0.045612663, 0.0407443531, -0.0863570049]),
        'w2/Adam_1': ([5, 3], [0.0110932719, 0.00203012442, 0.00368223106, 0.00485701859, 0.000613948971, 0.00882516801, 0.0155707235, 0.000259758119, 0.0147975422, 0.00534494035, 0.000696227187, 0.00295809261, 0.00158559543, 0.00108006643, 0.00526074739]),
    },
    'momentum': {
        'losses': [1.19871593, 1.12627745, 1.00583363, 0.869125724, 0.744196653, 0.64675796, 0.578723729, 0.533612192, 0.502730727, 0.478539079],
        'global_step': 10,
        'b1': ([5], [-0.109079696, 0.124705017, -0.659878612, 0.380361229, 0.187516153]),
        'b1/Momentum': ([5], [-0.104596198, 0.230640054, 0.546889365, -0.323682457, -0.177091092]),
        'b2': ([3], [-0.282268941, -0.628834724, 0.911103606]),
        'b2/Momentum': ([3], [0.325176239, 0.539241731, -0.864417851]),
        'w1': ([4, 5], [-0.670674086, -0.352093875, 0.667287469, -0.0636298507, -0.880462348, -0.682687819, 0.188310593, 0.549854517, -0.652027071, 0.766846478, -0.270640433, -1.08040631, 0.363519758, 0.821482718, -0.145043269, 0.311170608, -0.177598253, 0.0730754584, 0.78292197, 0.377202749]),
        'w1/Momentum': ([4, 5], [0.0665424317, -0.200060502, -0.219049007, -0.0800020546, 0.0484839343, 0.00315789296, -0.0771194175, -0.258970052, -0.0291545074, 0.114404991, 0.0870525241, 0.197899133, -0.281285822, -0.0224034935, 0.136857778, 0.0876500085, -0.071146965, 0.114004105, -0.0556346066, 0.0298208036]),
        'w2': ([5, 3], [-0.67973423, 0.325399578, 0.331457615, -0.00260104239, -0.521342576, -0.000821333379, 0.946134806, 0.851741254, -0.759866595, 0.397846192, 0.0748050213, 1.11351895, 0.238035172, 0.140199766, 0.833408237]),
        'w2/Momentum': ([5, 3], [0.596260488, -0.0893995687, -0.506860852, 0.41873461, 0.193868861, -0.612603307, -0.75373441, -0.138301492, 0.892035842, 0.347399384, 0.0634855106, -0.410884947, 0.243810147, 0.0217741281, -0.26558429]),
    },
    'nesterov': {
        'losses': [1.19871593, 1.06527019, 0.916972876, 0.782318175, 0.67602098, 0.599198937, 0.545279741, 0.506073534, 0.474851221, 0.447228491],
        'global_step': 10,
        'b1': ([5], [-0.0824658573, 0.112951264, -0.671654761, 0.394530833, 0.201166406]),
        'b1/Momentum': ([5], [-0.119145766, 0.215998203, 0.527315497, -0.313505888, -0.173042923]),
        'b2': ([3], [-0.283277065, -0.612644911, 0.895922184]),
        'b2/Momentum': ([3], [0.288643718, 0.48111999, -0.769763768]),
        'w1': ([4, 5], [-0.68471998, -0.388581216, 0.650961637, -0.058290571, -0.884331822, -0.680189312, 0.120337903, 0.601446152, -0.663906813, 0.750177801, -0.286248654, -1.06436336, 0.400395155, 0.808915675, -0.165442288, 0.290585458, -0.15692699, 0.0358743742, 0.802330434, 0.382546395]),
        'w1/Momentum': ([4, 5], [0.0685899332, -0.152374431, -0.163522288, -0.0858254433, 0.0404902995, 0.00110917422, -0.0151365623, -0.264340341, -0.0198708382, 0.11275655, 0.0942763835, 0.174047321, -0.282369196, -0.0161704663, 0.135530204, 0.0969558358, -0.0907449722, 0.127471864, -0.0594374463, 0.0211135857]),
        'w2': ([5, 3], [-0.666268706, 0.299620599, 0.34377113, 0.0145825222, -0.537770152, -0.00157727301, 0.95593667, 0.891201198, -0.809128284, 0.428524286, 0.0333194025, 1.12432659, 0.244629279, 0.160225794, 0.806788206]),
        'w2/Momentum': ([5, 3], [0.530684888, -0.0673882961, -0.463296711, 0.347330958, 0.203055903, -0.550386846, -0.687492192, -0.158438668, 0.845930934, 0.291709691, 0.0894474462, -0.38115716, 0.212964997, 0.00418744609, -0.217152447]),
    },
    'rmsprop': {
        'losses': [1.19871593, 1.19087696, 1.18275094, 1.17433584, 1.16562998, 1.15663242, 1.14734352, 1.13776517, 1.12789965, 1.11775124],
        'global_step': 10,
        'b1': ([5], [-0.123338759, 0.274323672, -0.127668172, 0.0973287895, 0.0542522855]),
        'b1/RMSProp': ([5], [0.349009633, 0.349812686, 0.372718126, 0.354308158, 0.349389851]),
        'b1/RMSProp_1': ([5], [0.000323439424, 0.00070056814, 0.00311310356, -0.0015554477, -0.000580042135]),
        'b2': ([3], [-0.0127131864, -0.0318811387, 0.0432881191]),
        'b2/RMSProp': ([3], [0.354465812, 0.386714667, 0.422175646]),
        'b2/RMSProp_1': ([3], [0.00154885091, 0.00377482921, -0.00503203878]),
        'w1': ([4, 5], [-0.640353024, -0.644353747, 0.425452054, -0.120189197, -0.850086033, -0.66862613, -0.123094648, 0.55057025, -0.746869385, 0.79591012, -0.243220344, -0.870664835, 0.257469803, 0.725258112, -0.109775238, 0.326442927, -0.161156014, 0.00274523417, 0.827343702, 0.444508642]),
        'w1/RMSProp': ([4, 5], [0.348730445, 0.364313066, 0.354260117, 0.349088132, 0.348681241, 0.348717541, 0.374793977, 0.350329429, 0.350104839, 0.348703802, 0.348685175, 0.356807023, 0.348709643, 0.35027954, 0.348722786, 0.348823518, 0.348854303, 0.351082146, 0.349693805, 0.349088073]),
        'w1/RMSProp_1': ([4, 5], [-8.92457829e-05, -0.00241906336, -0.00155753177, -0.000378155324, 5.4283486e-05, 0.000129521883, -0.0030301814, 0.000799778034, -0.000769678736, -8.81025117e-05, -4.66067359e-05, 0.00171637046, -0.000128844214, -0.000813326333, -0.000121453268, -0.000224966541, 0.000288075389, -0.000974019931, 0.000622703868, 0.00042866994]),
        'w2': ([5, 3], [-0.0748754814, 0.115884431, -0.0632028282, 0.396362662, -0.362327874, -0.55908972, 0.269622296, 0.862176895, -0.0942016542, 0.825220168, -0.0325758308, 0.793885827, 0.469195694, 0.253071576, 0.489209712]),
        'w2/RMSProp': ([5, 3], [0.388648808, 0.356342375, 0.361308545, 0.366497338, 0.350023001, 0.377613246, 0.387053013, 0.350172013, 0.373436868, 0.374325871, 0.353399038, 0.357042372, 0.354270697, 0.351122767, 0.364109784]),
        'w2/RMSProp_1': ([5, 3], [0.00383614842, -0.00173962337, -0.00225101644, 0.00260066474, 0.000793300336, -0.00332587049, -0.0038276175, 0.000720489246, 0.00319908839, 0.00309939682, -0.00133828877, -0.00184208481, 0.00150883419, 0.00099934754, -0.00246967189]),
    },
    'rmsprop_centered_momentum': {
        'losses': [1.19871593, 1.19042253, 1.17722964, 1.1608392, 1.14208615, 1.12137175, 1.09888959, 1.07474113, 1.04899859, 1.02173829],
        'global_step': 10,
        'b1': ([5], [-0.126557678, 0.266175985, -0.16448088, 0.115507536, 0.061224401]),
        'b1/RMSProp': ([5], [0.107635662, 0.108878613, 0.138677001, 0.114902839, 0.108479545]),
        'b1/RMSProp_1': ([5], [0.0145213241, 0.0366407, 0.167114437, -0.0819723681, -0.0313691609]),
        'b1/RMSProp_2': ([5], [0.000656311808, 0.00223139301, 0.00997771882, -0.00500134192, -0.00201921957]),
        'b2': ([3], [-0.0305429436, -0.0765121281, 0.10477078]),
        'b2/RMSProp': ([3], [0.114626512, 0.153921604, 0.197918236]),
        'b2/RMSProp_1': ([3], [0.0803924948, 0.20356831, -0.283960819]),
        'b2/RMSProp_2': ([3], [0.00478299242, 0.011773793, -0.016128961]),
        'w1': ([4, 5], [-0.639842153, -0.617156684, 0.443626225, -0.116164185, -0.850930512, -0.670102358, -0.0891178623, 0.541791558, -0.738102674, 0.796754897, -0.242796272, -0.889426947, 0.259173036, 0.73449719, -0.108575858, 0.328763783, -0.164574489, 0.0136355394, 0.820513725, 0.439467818]),
        'w1/RMSProp': ([4, 5], [0.107404023, 0.124543846, 0.114891082, 0.107758217, 0.107393935, 0.107423663, 0.134567961, 0.109150067, 0.109124854, 0.107392967, 0.107379079, 0.115610525, 0.107442036, 0.109319761, 0.107410043, 0.107503347, 0.107637972, 0.11009407, 0.108451843, 0.107950613]),
        'w1/RMSProp_1': ([4, 5], [-0.00234293146, -0.123116255, -0.0819090083, -0.0181682501, 0.00378135452, 0.00664008921, -0.154426515, 0.0395431183, -0.0394816846, -0.00381153775, -0.00190540706, 0.0848042741, -0.00767013151, -0.0416107699, -0.00540052587, -0.0104529588, 0.015333632, -0.0490745753, 0.0307804309, 0.0226818863]),
        'w1/RMSProp_2': ([4, 5], [8.68845163e-05, -0.00688416744, -0.00500135124, -0.000945536769, 0.000325180648, 0.000396728225, -0.0083728414, 0.00220220536, -0.00233677309, -0.000159038362, -7.26867365e-05, 0.00458204327, -0.000544147566, -0.0024519295, -0.000246097508, -0.000519328751, 0.000969958375, -0.0028037848, 0.00170788821, 0.00141372951]),
        'w2': ([5, 3], [-0.120073453, 0.135565817, -0.0372274891, 0.366657376, -0.371791989, -0.520130754, 0.315253019, 0.854628682, -0.132544577, 0.789536059, -0.0178145841, 0.815031588, 0.45199132, 0.241757929, 0.517620087]),
        'w2/RMSProp': ([5, 3], [0.15522638, 0.116269708, 0.122863084, 0.12780416, 0.109405831, 0.142623931, 0.156000182, 0.108733922, 0.141356379, 0.136979133, 0.112414114, 0.11760895, 0.114138216, 0.110296309, 0.125951827]),
        'w2/RMSProp_1': ([5, 3], [0.206279814, -0.0888455287, -0.117434286, 0.134579122, 0.0425503962, -0.177129507, -0.208210871, 0.0340464413, 0.174164429, 0.162044808, -0.0665896684, -0.0954551399, 0.0775758997, 0.050972119, -0.128548026]),
        'w2/RMSProp_2': ([5, 3], [0.0118131954, -0.00511854189, -0.0069024954, 0.00767261814, 0.00270702038, -0.0102823898, -0.0122037977, 0.00172716309, 0.0105930977, 0.00921354163, -0.00369604747, -0.005619606, 0.00455005839, 0.00298161712, -0.0074813026]),
    },
    'adagrad': {
        'losses': [1.19871593, 0.767919779, 0.634959459, 0.563324451, 0.512620509, 0.472004652, 0.437642425, 0.407864034, 0.381794333, 0.358862042],
        'global_step': 10,
        'b1': ([5], [0.0640292615, 0.0823617354, -0.776650429, 0.546195149, 0.321672827]),
        'b1/Adagrad': ([5], [0.106520131, 0.105778888, 0.199136212, 0.131292284, 0.109362803]),
        'b2': ([3], [-0.248104706, -0.565612376, 0.637846708]),
        'b2/Adagrad': ([3], [0.116565913, 0.206091344, 0.304796636]),
        'w1': ([4, 5], [-0.736530662, -0.505572379, 0.481217533, 0.0395666212, -0.872561455, -0.681392789, -0.0707253218, 0.769301653, -0.695565999, 0.682339847, -0.394362956, -1.0816505, 0.536456823, 0.801081598, -0.262167305, 0.180672929, -0.00612511113, -0.0697022006, 0.855793238, 0.406567514]),
        'w1/Adagrad': ([4, 5], [0.10196083, 0.129291311, 0.114885285, 0.103457928, 0.100455232, 0.100084282, 0.151310697, 0.113088712, 0.103041843, 0.101906493, 0.103126258, 0.117361777, 0.11011713, 0.103150904, 0.103410944, 0.10376893, 0.105234914, 0.107141122, 0.102471627, 0.101624914]),
        'w2': ([5, 3], [-0.5919559, 0.282969326, 0.398084432, 0.136150241, -0.672062874, -0.0755528808, 0.908377707, 1.03270876, -0.86477536, 0.541107178, -0.125699356, 1.19954431, 0.257019132, 0.195720807, 0.736403644]),
        'w2/Adagrad': ([5, 3], [0.203292862, 0.11535462, 0.143387541, 0.140046477, 0.112142652, 0.180542827, 0.232267693, 0.109166726, 0.251772195, 0.151741788, 0.113377407, 0.129961774, 0.113183014, 0.105007105, 0.132888526]),
    },
}
