"""Command-line flags: TF1's ``tf.app.flags`` (also ``tf.flags``), absl-style, our own parser.

    flags = tf.app.flags
    flags.DEFINE_integer("batch_size", 100, "examples per step")
    FLAGS = flags.FLAGS
    ... FLAGS.batch_size ...

A command line gives ``--name=value`` or ``--name value``, ``--flag``/``--noflag`` for
booleans (also ``--flag=false``), and flags may come before, between or after positional
arguments; ``--`` ends the flags. As in TF1, reading a flag before anything parsed the
command line parses ``sys.argv`` then (unknown flags there are an error), and ``app.run``
parses it tolerating unknown flags, which it passes on to ``main`` with the positional
arguments.
"""

import csv
import sys

from . import errors
from . import tf1_names as _tf1_names

_PACKAGE = __name__.rpartition(".")[0] + "."


class Error(errors.InvalidArgumentError):
    """A flag error (absl's ``flags.Error``): a bad definition, name or value."""


class UnrecognizedFlagError(Error, AttributeError):
    """A flag name that no DEFINE_* made (also an AttributeError, so ``hasattr`` works)."""


class IllegalFlagValueError(Error):
    """A value the flag's type, bounds, choices or validators refuse."""


class DuplicateFlagError(Error):
    """A flag defined twice."""


class Flag:
    """One flag: ``name``, ``default``, ``help``, ``value``, ``present`` (how many times the
    last parse saw it), and how its text converts (``parse``)."""

    def __init__(self, name, default, help_text, kind, convert, short_name=None, boolean=False,
                 multi=False, choices=None):
        self.name, self.help, self.kind, self.short_name = name, help_text, kind, short_name
        self.boolean, self.multi, self.choices, self._convert = boolean, multi, choices, convert
        self.present = 0
        self.default = self._from_default(default)
        self.value = _copy(self.default)
        self.module = None  # (module name, module namespace id) of the DEFINE_* call

    def _from_default(self, default):
        if default is None or (not isinstance(default, str) and self.kind == "string"):
            return default
        if self.multi:
            items = default if isinstance(default, (list, tuple)) else [default]
            return [self._converted(x) for x in items]
        if isinstance(default, str) or self.kind in ("integer", "float", "bool"):
            return self._converted(default)
        return list(default) if self.kind == "list" else default

    def _converted(self, text):
        try:
            return self._convert(text)
        except (TypeError, ValueError) as e:
            raise IllegalFlagValueError(f"flag --{self.name}={text}: {e}") from None

    def parse(self, text):
        """Set the value from command-line text (a multi flag appends)."""
        value = self._converted(text)
        if self.multi:
            self.value = (self.value if self.present else []) + [value]
        else:
            self.value = value
        self.present += 1

    def usage(self):
        """Two lines of help, absl's layout."""
        name = f"[no]{self.name}" if self.boolean else self.name
        short = f"-{self.short_name}," if self.short_name else ""
        choices = f"<{'|'.join(self.choices)}>: " if self.choices else ""
        default = _serialize(self.default)
        return f"  {short}--{name}: {choices}{self.help}\n    (default: {default!r})"


class FlagValues:
    """A registry of flags with their values, read as attributes (``FLAGS.batch_size``)."""

    def __init__(self):
        for key, value in (("_flags", {}), ("_short", {}), ("_parsed", False),
                           ("_validators", [])):
            object.__setattr__(self, key, value)

    # -- reading and setting values -------------------------------------------------------
    def __getattr__(self, name):
        flags = self.__dict__["_flags"]
        if name not in flags:
            raise UnrecognizedFlagError(f"unknown flag {name!r}; defined: "
                                        f"{', '.join(sorted(flags)) or 'none'}")
        if not self._parsed:  # TF1 reads the command line the first time a flag is read
            self(sys.argv)
        return flags[name].value

    def __setattr__(self, name, value):
        if name not in self._flags:
            raise UnrecognizedFlagError(f"cannot set the unknown flag {name!r}")
        self._flags[name].value = value
        self._validate([name])

    def __delattr__(self, name):
        flag = self._flags.pop(name, None)
        if flag is None:
            raise UnrecognizedFlagError(f"cannot delete the unknown flag {name!r}")
        self._short.pop(flag.short_name, None)

    def __getitem__(self, name):
        """The Flag object (``FLAGS["batch_size"].default``)."""
        try:
            return self._flags[name]
        except KeyError:
            raise UnrecognizedFlagError(f"unknown flag {name!r}") from None

    def __contains__(self, name):
        return name in self._flags

    def __iter__(self):
        return iter(list(self._flags))

    def __len__(self):
        return len(self._flags)

    def flag_values_dict(self):
        """``{name: value}`` of every flag."""
        return {name: flag.value for name, flag in self._flags.items()}

    def get_flag_value(self, name, default):
        """The flag's value, or ``default`` when there is no such flag."""
        return self._flags[name].value if name in self._flags else default

    def set_default(self, name, value):
        """A new default; the value follows unless the command line set it."""
        flag = self[name]
        flag.default = flag._from_default(value)
        if not flag.present:
            flag.value = _copy(flag.default)

    def is_parsed(self):
        return self._parsed

    def mark_as_parsed(self):
        object.__setattr__(self, "_parsed", True)

    def unparse_flags(self):
        """Every flag back to its default, and not parsed."""
        for flag in self._flags.values():
            flag.value, flag.present = _copy(flag.default), 0
        object.__setattr__(self, "_parsed", False)

    # -- parsing ---------------------------------------------------------------------------
    def __call__(self, argv, known_only=False):
        """Parse ``argv`` (``argv[0]`` is the program); returns ``[argv[0]]`` and the
        arguments that are not flags (and, with ``known_only``, the unknown flags)."""
        if isinstance(argv, str) or not all(isinstance(a, str) for a in argv) or not argv:
            raise errors.at_user_line(
                Error, f"flags parse a list of strings with the program first, got {argv!r}")
        unparsed = self._parse(list(argv[1:]), known_only)
        self.mark_as_parsed()
        self._validate(list(self._flags))
        return [argv[0]] + unparsed

    def _parse(self, args, known_only):
        unparsed, i = [], 0
        while i < len(args):
            arg = args[i]
            i += 1
            if arg == "--":
                unparsed += (["--"] if known_only else []) + args[i:]
                break
            if not arg.startswith("-") or arg == "-":
                unparsed.append(arg)
                continue
            name, has_value, text = arg.lstrip("-").partition("=")
            flag = self._flags.get(name) or self._short.get(name)
            if flag is None:
                negated = self._flags.get(name[2:]) if name.startswith("no") else None
                if negated is not None and negated.boolean and not has_value:
                    negated.parse("false")
                    continue
                if known_only:
                    unparsed.append(arg)
                    continue
                raise UnrecognizedFlagError(f"unknown command line flag {name!r} in {arg!r}"
                                            f"\n{self.usage()}")
            if flag.boolean:
                flag.parse(text if has_value else "true")
                continue
            if not has_value:
                if i == len(args):
                    raise Error(f"flag --{flag.name} needs a value: --{flag.name}=<value>")
                text, i = args[i], i + 1
            flag.parse(text)
        return unparsed

    def _validate(self, names):
        for flag_names, check, message in self._validators:
            if any(n in names for n in flag_names):
                values = [self._flags[n].value for n in flag_names]
                if not check(*values):
                    shown = ", ".join(f"--{n}={v!r}" for n, v in zip(flag_names, values))
                    raise IllegalFlagValueError(f"flag {shown}: {message}")

    def usage(self):
        """The help text: the main module's docstring and every flag."""
        doc = (getattr(sys.modules.get("__main__"), "__doc__", None) or "").strip()
        program = sys.argv[0] if sys.argv and sys.argv[0] else "the program"
        lines = [doc or f"USAGE: {program} [flags]", "flags:", ""]
        lines += [self._flags[name].usage() for name in sorted(self._flags)]
        return "\n".join(lines)

    def _define(self, flag):
        module = _caller_module()
        old = self._flags.get(flag.name)
        if old is not None:
            if old.module[0] == module[0] and old.module[1] != module[1]:
                return old  # the same module imported again (absl keeps the first)
            raise DuplicateFlagError(
                f"the flag {flag.name!r} is defined twice (first in {old.module[0]}); "
                "a notebook cell that defines flags can run once per kernel")
        flag.module = module
        self._flags[flag.name] = flag
        if flag.short_name:
            self._short[flag.short_name] = flag
        return flag


def _caller_module():
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").startswith(_PACKAGE):
        frame = frame.f_back
    if frame is None:
        return ("<unknown>", 0)
    return frame.f_globals.get("__name__", "<unknown>"), id(frame.f_globals)


def _copy(value):
    return list(value) if isinstance(value, list) else value


def _serialize(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return "None" if value is None else str(value)


FLAGS = FlagValues()


class FlagHolder:
    """What a DEFINE_* returns (absl's): ``.value`` reads the flag, ``.name`` names it."""

    def __init__(self, flag_values, flag):
        self._flag_values, self.name = flag_values, flag.name

    @property
    def value(self):
        return getattr(self._flag_values, self.name)

    @property
    def default(self):
        return self._flag_values[self.name].default

    def __repr__(self):
        return f"FlagHolder({self.name!r})"


# -- converters: command-line text (or a default) to a value; ValueError when refused ------

def _to_bool(text):
    if isinstance(text, bool):
        return text
    if isinstance(text, int) and text in (0, 1):
        return bool(text)
    if isinstance(text, str) and text.lower() in ("true", "t", "1", "false", "f", "0"):
        return text.lower() in ("true", "t", "1")
    raise ValueError(f"{text!r} is not a boolean (true/false, t/f, 1/0)")


def _number(kind, lower_bound, upper_bound):
    def convert(text):
        if isinstance(text, str):
            lowered = text.strip().lower()
            value = int(lowered, 16) if kind is int and lowered.lstrip("-").startswith("0x") \
                else kind(lowered)
        elif isinstance(text, bool) or not isinstance(text, (int, float)) or (
                kind is int and isinstance(text, float) and not text.is_integer()):
            raise ValueError(f"{text!r} is not {'an integer' if kind is int else 'a number'}")
        else:
            value = kind(text)
        if (lower_bound is not None and value < lower_bound
                or upper_bound is not None and value > upper_bound):
            low = "-inf" if lower_bound is None else lower_bound
            high = "inf" if upper_bound is None else upper_bound
            raise ValueError(f"{value} is not in the range [{low}, {high}]")
        return value

    return convert


def _to_list(text):
    if isinstance(text, (list, tuple)):
        return [str(x) for x in text]
    return [s.strip() for s in next(csv.reader([text], strict=True))] if text else []


def _enum(choices, case_sensitive):
    def convert(text):
        for choice in choices:
            if text == choice or not case_sensitive and str(text).lower() == choice.lower():
                return choice
        raise ValueError(f"{text!r} is not one of {'|'.join(choices)}")

    return convert


def _define(name, default, help_text, kind, convert, flag_values, required, short_name=None,
            boolean=False, multi=False, choices=None, **ignored):
    """``ignored``: absl's ``module_name``, ``serializer``... that change nothing here."""
    if not isinstance(name, str) or not name or name.startswith("-") or "=" in name:
        raise errors.at_user_line(Error, f"{name!r} cannot name a flag")
    flag = flag_values._define(Flag(name, default, help_text, kind, convert, short_name,
                                    boolean, multi, choices))
    if required:
        mark_flag_as_required(name, flag_values)
    return FlagHolder(flag_values, flag)


def DEFINE_string(name, default, help, flag_values=FLAGS, required=False,  # noqa: A002,N802
                  **args):
    """A string flag."""
    return _define(name, default, help, "string", str, flag_values, required, **args)


def DEFINE_integer(name, default, help, lower_bound=None, upper_bound=None,  # noqa: A002,N802
                   flag_values=FLAGS, required=False, **args):
    """An integer flag, optionally bounded (``lower_bound``/``upper_bound`` inclusive)."""
    return _define(name, default, help, "integer", _number(int, lower_bound, upper_bound),
                   flag_values, required, **args)


def DEFINE_float(name, default, help, lower_bound=None, upper_bound=None,  # noqa: A002,N802
                 flag_values=FLAGS, required=False, **args):
    """A float flag, optionally bounded."""
    return _define(name, default, help, "float", _number(float, lower_bound, upper_bound),
                   flag_values, required, **args)


def DEFINE_boolean(name, default, help, flag_values=FLAGS, required=False,  # noqa: A002,N802
                   **args):
    """A boolean flag: ``--name``, ``--noname``, ``--name=false``."""
    return _define(name, default, help, "bool", _to_bool, flag_values, required, boolean=True,
                   **args)


DEFINE_bool = DEFINE_boolean


def DEFINE_list(name, default, help, flag_values=FLAGS, required=False, **args):  # noqa: A002,N802
    """A comma-separated list of strings (``--items=a,b,c``)."""
    return _define(name, default, help, "list", _to_list, flag_values, required, **args)


def DEFINE_enum(name, default, enum_values, help, flag_values=FLAGS,  # noqa: A002,N802
                required=False, case_sensitive=True, **args):
    """A string among ``enum_values``."""
    choices = [str(v) for v in enum_values]
    if not choices:
        raise errors.at_user_line(Error, f"the enum flag {name!r} needs enum_values")
    return _define(name, default, help, "enum", _enum(choices, case_sensitive), flag_values,
                   required, choices=choices, **args)


def _define_multi(kind, convert, doc):
    def define(name, default, help, flag_values=FLAGS, required=False, **args):  # noqa: A002
        return _define(name, default, help, kind, convert, flag_values, required, multi=True,
                       **args)

    define.__doc__ = doc
    return define


DEFINE_multi_string = _define_multi("string", str, "A string flag that may repeat: a list.")
DEFINE_multi_integer = _define_multi("integer", _number(int, None, None),
                                     "An integer flag that may repeat: a list.")
DEFINE_multi_float = _define_multi("float", _number(float, None, None),
                                   "A float flag that may repeat: a list.")


def register_validator(flag_name, checker, message="Flag validation failed",
                       flag_values=FLAGS):
    """``checker(value) -> bool`` runs when the flag is parsed or set; False is an error."""
    flag_values[flag_name]  # an unknown name fails here
    flag_values._validators.append(([flag_name], checker, message))


def validator(flag_name, message="Flag validation failed", flag_values=FLAGS):
    """``register_validator`` as a decorator."""
    def decorate(checker):
        register_validator(flag_name, checker, message, flag_values)
        return checker

    return decorate


def mark_flag_as_required(flag_name, flag_values=FLAGS):
    """Parsing fails unless the flag has a value other than None."""
    register_validator(flag_name, lambda value: value is not None,
                       f"--{flag_name} must be given (it has no default)", flag_values)


def mark_flags_as_required(flag_names, flag_values=FLAGS):
    for name in flag_names:
        mark_flag_as_required(name, flag_values)

__getattr__ = _tf1_names.module_getattr("tf.app.flags", __name__)  # a TF1 name we lack: say so
