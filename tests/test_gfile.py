"""tf.gfile (gf.gfile) and tf.io.gfile on the local disk, with TF1's errors. (TF1's results
for the same calls: test_tf1_host_program.py.)"""

import os

import pytest

import graphflow as gf
from graphflow import errors

g = gf.gfile


def test_text_and_binary_modes_lines_and_positions(tmp_path):
    path = tmp_path / "notes.txt"
    with g.GFile(path, "w") as f:
        f.write("héllo\n")
        f.write(b"two\nthree")
    with g.Open(str(path), "rb") as f:
        assert f.read(2) == b"h\xc3" and f.tell() == 2
        f.seek(position=0)
        assert f.readline() == "héllo\n".encode()
    with g.FastGFile(path) as f:
        assert isinstance(f, g.GFile) and list(f) == ["héllo\n", "two\n", "three"]
        f.seek(0)
        assert f.next() == "héllo\n" and f.readlines() == ["two\n", "three"]
        assert f.size() == 16
    with g.GFile(path, "r+") as f:
        f.seek(0, 2)
        f.write("!")
        f.seek(0)
        assert f.read().endswith("three!")
    with g.GFile(path, "w+b") as f:
        f.write("new")
        f.seek(0)
        assert f.read() == b"new"
    f = g.GFile(path)
    f.close()
    with pytest.raises(errors.FailedPreconditionError, match="is closed"):
        f.read()
    with pytest.raises(errors.InvalidArgumentError, match="mode 'x' is not one of"):
        g.GFile(path, "x")


def test_missing_files_fail_at_first_use_with_tf1s_errors(tmp_path):
    f = g.GFile(tmp_path / "missing.txt")  # opening is lazy, as TF1's
    with pytest.raises(errors.NotFoundError, match="missing.txt; No such file") as e:
        f.read()
    assert e.value.__cause__ is None and e.value.__suppress_context__
    with pytest.raises(errors.NotFoundError):
        g.GFile(tmp_path / "no" / "dir.txt", "w").write("x")
    with pytest.raises(errors.FailedPreconditionError, match="Is a directory"):
        g.GFile(tmp_path).read()
    with pytest.raises(errors.NotFoundError, match="Could not find directory"):
        g.ListDirectory(tmp_path / "nope")
    with pytest.raises(errors.NotFoundError):
        g.Stat(tmp_path / "nope")


def test_directories_copy_rename_delete(tmp_path):
    top = tmp_path / "top"
    g.MakeDirs(top / "a" / "b")
    g.MkDir(top / "c")
    (top / "a" / "f.txt").write_text("data")
    (top / "z.txt").write_text("zz")
    assert g.ListDirectory(top) == ["a", "c", "z.txt"]
    assert [(os.path.relpath(d, top), s, f) for d, s, f in g.Walk(top)] == [
        (".", ["a", "c"], ["z.txt"]), ("a", ["b"], ["f.txt"]), ("a/b", [], []), ("c", [], [])]
    assert [os.path.relpath(d, top) for d, _, _ in g.Walk(top, in_order=False)] == [
        "a/b", "a", "c", "."]
    assert g.Glob(str(top / "*" / "*.txt")) == [str(top / "a" / "f.txt")]
    assert g.Glob([str(top / "z*"), str(top / "c")]) == [str(top / "c"), str(top / "z.txt")]
    g.Copy(top / "z.txt", top / "a" / "f.txt", overwrite=True)
    assert (top / "a" / "f.txt").read_text() == "zz"
    with pytest.raises(errors.AlreadyExistsError, match="pass overwrite=True"):
        g.Rename(top / "z.txt", top / "a" / "f.txt")
    g.Rename(top / "z.txt", top / "a" / "f.txt", overwrite=True)
    assert not g.Exists(top / "z.txt") and g.Stat(top / "a" / "f.txt").length == 2
    g.Rename(top / "c", top / "d")
    assert g.IsDirectory(top / "d") and not g.IsDirectory(top / "c")
    with pytest.raises(errors.FailedPreconditionError, match="Is a directory"):
        g.Remove(top / "d")
    g.DeleteRecursively(top / "a" / "f.txt")  # a file too
    g.DeleteRecursively(top)
    assert not g.Exists(top) and list(g.Walk(top)) == []
    with pytest.raises(errors.FailedPreconditionError, match="is not a directory"):
        (tmp_path / "file").write_text("")
        g.MakeDirs(tmp_path / "file")


def test_io_gfile_has_the_lower_case_names(tmp_path):
    io = gf.io.gfile
    io.makedirs(str(tmp_path / "x" / "y"))
    with io.GFile(io.join(str(tmp_path), "x", "f.txt"), "w") as f:
        f.write("1")
    assert io.exists(str(tmp_path / "x" / "f.txt")) and io.isdir(str(tmp_path / "x"))
    assert io.listdir(str(tmp_path / "x")) == ["f.txt", "y"]
    io.copy(str(tmp_path / "x" / "f.txt"), str(tmp_path / "g.txt"))
    io.rename(str(tmp_path / "g.txt"), str(tmp_path / "h.txt"))
    assert io.stat(str(tmp_path / "h.txt")).length == 1
    assert [d for d, _, _ in io.walk(str(tmp_path), topdown=False)][-1] == str(tmp_path)
    assert io.glob(str(tmp_path / "*.txt")) == [str(tmp_path / "h.txt")]
    io.remove(str(tmp_path / "h.txt"))
    io.mkdir(str(tmp_path / "m"))
    io.rmtree(str(tmp_path / "x"))
    assert io.listdir(str(tmp_path)) == ["m"]
