"""tf.app.flags (gf.flags) parse absl-style command lines; tf.app.run parses, then exits with
main's result. Each test defines its flags on a FlagValues of its own; app.run runs in a
child process. (TF1's parse results for the same command lines: test_tf1_host_program.py.)"""

import os
import subprocess
import sys
import textwrap

import pytest

import graphflow as gf

flags = gf.flags
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def fv():
    values = flags.FlagValues()
    flags.DEFINE_string("name", "x", "a name", flag_values=values)
    flags.DEFINE_integer("n", 3, "a count", lower_bound=0, upper_bound=10, flag_values=values)
    flags.DEFINE_boolean("fast", False, "go fast", flag_values=values, short_name="f")
    flags.DEFINE_float("lr", "0.5", "learning rate", flag_values=values)
    flags.DEFINE_list("items", "a,b", "some items", flag_values=values)
    flags.DEFINE_enum("mode", "train", ["train", "eval"], "mode", flag_values=values,
                      case_sensitive=False)
    flags.DEFINE_multi_integer("k", [1], "ks", flag_values=values)
    return values


def test_defaults_convert_and_the_forms_of_a_command_line(fv):
    assert fv(["prog"]) == ["prog"]
    assert fv.flag_values_dict() == {"name": "x", "n": 3, "fast": False, "lr": 0.5,
                                     "items": ["a", "b"], "mode": "train", "k": [1]}
    rest = fv(["prog", "-name", "bob", "pos", "-f", "--lr=1e-3", "--items=", "--mode=EVAL",
               "--k=4", "-k", "0x10", "--n=10", "-"])
    assert rest == ["prog", "pos", "-"]
    assert (fv.name, fv.fast, fv.lr, fv.items, fv.mode, fv.k, fv.n) == (
        "bob", True, 1e-3, [], "eval", [4, 16], 10)
    fv(["prog", "--fast=f", '--items="a,b", c'])
    assert fv.fast is False and fv.items == ["a,b", "c"]
    fv(["prog", "--k=2"])  # a later parse adds to a multi flag given before (absl's)
    assert fv.k == [4, 16, 2]


def test_values_can_be_set_and_defaults_changed(fv):
    fv(["prog", "--name=given"])
    fv.n = 7
    fv.set_default("name", "other")  # the command line's value stays
    fv.set_default("lr", 0.25)
    assert (fv.n, fv.name, fv.lr, fv["lr"].default) == (7, "given", 0.25, 0.25)
    assert "n" in fv and sorted(fv) == sorted(fv.flag_values_dict()) and len(fv) == 7
    assert fv.get_flag_value("missing", 42) == 42
    fv.unparse_flags()
    assert not fv.is_parsed() and fv["n"].value == 3
    del fv.n
    assert "n" not in fv


def test_bad_values_and_names_are_flag_errors(fv):
    with pytest.raises(flags.UnrecognizedFlagError, match="unknown command line flag 'bogus'"):
        fv(["prog", "--bogus=1"])
    with pytest.raises(flags.IllegalFlagValueError, match=r"--n=11: 11 is not in the range"):
        fv(["prog", "--n=11"])
    with pytest.raises(flags.IllegalFlagValueError, match="--n=abc: invalid literal"):
        fv(["prog", "--n", "abc"])
    with pytest.raises(flags.IllegalFlagValueError, match="--lr=abc: could not convert"):
        fv(["prog", "--lr=abc"])
    with pytest.raises(flags.IllegalFlagValueError, match="is not one of train|eval"):
        fv(["prog", "--mode=test"])
    with pytest.raises(flags.IllegalFlagValueError, match="is not a boolean"):
        fv(["prog", "--fast=maybe"])
    with pytest.raises(flags.Error, match="--name needs a value"):
        fv(["prog", "--name"])
    with pytest.raises(flags.UnrecognizedFlagError, match="unknown command line flag 'nolr'"):
        fv(["prog", "--nolr"])  # --no works for booleans only
    with pytest.raises(flags.UnrecognizedFlagError, match="unknown flag 'missing'"):
        _ = fv.missing
    assert not hasattr(fv, "missing")
    with pytest.raises(flags.UnrecognizedFlagError):
        fv.missing = 1
    with pytest.raises(flags.DuplicateFlagError, match="'name' is defined twice"):
        flags.DEFINE_string("name", "y", "again", flag_values=fv)
    with pytest.raises(flags.IllegalFlagValueError, match="is not an integer"):
        flags.DEFINE_integer("half", 0.5, "no", flag_values=fv)
    with pytest.raises(flags.Error, match="a list of strings"):
        fv("prog --n=1")
    assert issubclass(flags.Error, gf.errors.InvalidArgumentError)


def test_required_flags_and_validators(fv):
    flags.DEFINE_string("data_dir", None, "where", flag_values=fv, required=True)
    with pytest.raises(flags.IllegalFlagValueError, match="--data_dir must be given"):
        fv(["prog"])
    fv(["prog", "--data_dir=/tmp"])

    @flags.validator("n", "n must be even", flag_values=fv)
    def even(value):
        return value % 2 == 0

    with pytest.raises(flags.IllegalFlagValueError, match="--n=3: n must be even"):
        fv(["prog", "--data_dir=/tmp"])
    with pytest.raises(flags.IllegalFlagValueError, match="--n=5: n must be even"):
        fv.n = 5
    holder = flags.DEFINE_integer("m", 2, "m", flag_values=fv)
    assert (holder.name, holder.value, holder.default) == ("m", 2, 2)


def test_reading_a_flag_first_parses_sys_argv(monkeypatch):
    values = flags.FlagValues()
    flags.DEFINE_integer("steps", 1, "steps", flag_values=values)
    monkeypatch.setattr(sys, "argv", ["prog", "--steps=9", "positional"])
    assert not values.is_parsed() and values.steps == 9 and values.is_parsed()
    other = flags.FlagValues()
    flags.DEFINE_integer("steps", 1, "steps", flag_values=other)
    monkeypatch.setattr(sys, "argv", ["kernel", "-f", "/run/kernel.json"])  # Jupyter's argv
    with pytest.raises(flags.UnrecognizedFlagError, match="unknown command line flag 'f'"):
        _ = other.steps


def test_tf_flags_is_tf_app_flags():
    assert gf.app.flags is gf.flags and gf.flags.FLAGS is gf.app.flags.FLAGS


PROGRAM = textwrap.dedent('''
    """Trains nothing: a program for app.run's test."""
    import sys
    import graphflow as tf

    tf.app.flags.DEFINE_integer("steps", 2, "how many steps")
    tf.app.flags.DEFINE_boolean("verbose", False, "say more")
    FLAGS = tf.app.flags.FLAGS

    def main(argv):
        print("argv", argv[1:], "steps", FLAGS.steps, "verbose", FLAGS.verbose)
        return FLAGS.steps if len(sys.argv) > 1 and sys.argv[-1] == "code" else None

    if __name__ == "__main__":
        tf.app.run()
''')


def _run(tmp_path, *args):
    script = tmp_path / "program.py"
    script.write_text(PROGRAM)
    return subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": ROOT})


def test_app_run_passes_the_rest_to_main_and_exits_with_its_result(tmp_path):
    done = _run(tmp_path, "--steps", "5", "data.txt", "--verbose", "--other=1", "--", "--steps=9")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "argv ['data.txt', '--other=1', '--', '--steps=9'] steps 5 verbose True\n"
    done = _run(tmp_path, "--steps=7", "code")
    assert done.returncode == 7 and "steps 7" in done.stdout


def test_app_run_help_and_bad_values(tmp_path):
    done = _run(tmp_path, "--help")
    assert done.returncode == 1  # absl's status for --help, as in TF1
    assert done.stdout.startswith("Trains nothing: a program for app.run's test.\nflags:")
    assert "  --steps: how many steps\n    (default: '2')" in done.stdout
    assert "  --[no]verbose: say more\n    (default: 'false')" in done.stdout
    done = _run(tmp_path, "--steps=many")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("FATAL Flags parsing error: flag --steps=many: ")
