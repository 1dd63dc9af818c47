"""load("path") and --set NAME=@path: numeric data in, every bad file out with a clear error."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gradcalc.errors import DataFileError
from gradcalc.files import FilePolicy
from gradcalc.interpreter.loading import load_array


def load(path):
    """``load_array`` as a run whose working directory holds ``path``."""
    return load_array(
        str(path), policy=FilePolicy(roots=(str(path.parent),)), max_elements=1_000_000
    )


def test_npy_roundtrip(tmp_path):
    path = tmp_path / "a.npy"
    np.save(path, np.arange(6, dtype=np.int32).reshape(2, 3))
    loaded = load(path)
    assert loaded.dtype == np.float64
    np.testing.assert_array_equal(loaded, [[0, 1, 2], [3, 4, 5]])


def test_npy_with_pickled_objects_is_refused(tmp_path):
    path = tmp_path / "evil.npy"
    np.save(path, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    with pytest.raises(DataFileError, match="pickled Python objects") as info:
        load(path)
    assert "never unpickles" in info.value.hint


def test_npy_that_is_not_npy(tmp_path):
    path = tmp_path / "fake.npy"
    path.write_bytes(b"hello, not an array")
    with pytest.raises(DataFileError, match="not a valid .npy file"):
        load(path)


def test_npy_of_strings_is_refused(tmp_path):
    path = tmp_path / "s.npy"
    np.save(path, np.array(["a", "b"]))
    with pytest.raises(DataFileError, match="not numeric"):
        load(path)


def test_csv_with_header_and_single_column(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,b\n1,2\n3,4.5\n")
    np.testing.assert_array_equal(load(path), [[1, 2], [3, 4.5]])
    col = tmp_path / "c.csv"
    col.write_text("1\n2\n3\n")
    assert load(col).shape == (3,)
    one = tmp_path / "one.csv"
    one.write_text("7\n")
    assert load(one).shape == ()


def test_csv_ragged_rows_name_the_line(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("1,2\n3\n")
    with pytest.raises(DataFileError, match="line 2 has 1 values, line 1 has 2"):
        load(path)


def test_csv_non_number(tmp_path):
    path = tmp_path / "n.csv"
    path.write_text("1,2\n3,abc\n")
    with pytest.raises(DataFileError, match="line 2: 'abc' is not a number"):
        load(path)


def test_txt_whitespace_and_comments(tmp_path):
    path = tmp_path / "d.txt"
    path.write_text("# weights\n1 2 3  # first row\n4\t5 6\n")
    np.testing.assert_array_equal(load(path), [[1, 2, 3], [4, 5, 6]])


def test_json_nested_lists(tmp_path):
    path = tmp_path / "d.json"
    path.write_text(json.dumps([[1, 2], [3, 4]]))
    np.testing.assert_array_equal(load(path), [[1, 2], [3, 4]])
    scalar = tmp_path / "s.json"
    scalar.write_text("2.5")
    assert load(scalar).shape == ()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[[1, 2], [3]]", "ragged"),
        ('{"a": 1}', "an object is not a number"),
        ('[1, "x"]', "'x' is not a number"),
        ("[1, null]", "null is not a number"),
        ("[1, 2", "invalid JSON"),
        ("[" * 100000 + "]" * 100000, "JSON"),
    ],
)
def test_json_errors(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(DataFileError, match=message):
        load(path)


def test_missing_directory_and_suffix(tmp_path):
    with pytest.raises(DataFileError, match="no such file"):
        load(tmp_path / "missing.npy")
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(DataFileError, match="is a directory"):
        load(tmp_path / "dir.csv")
    (tmp_path / "x.pkl").write_bytes(b"\x80\x04")
    with pytest.raises(DataFileError, match="unsupported file type '.pkl'") as info:
        load(tmp_path / "x.pkl")
    assert ".npy" in info.value.hint


def test_binary_and_non_utf8_text(tmp_path):
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"1,2\x00\x01\x02")
    with pytest.raises(DataFileError, match="binary file"):
        load(binary)
    latin = tmp_path / "l.txt"
    latin.write_bytes("1 2 caf\xe9".encode("latin-1"))
    with pytest.raises(DataFileError, match="not UTF-8 text"):
        load(latin)


def test_empty_file(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("\n\n")
    with pytest.raises(DataFileError, match="holds no numbers"):
        load(path)


def test_text_errors_point_at_a_position(tmp_path):
    latin = tmp_path / "p.csv"
    latin.write_bytes(b"1,2\n3,\xe94\n")
    with pytest.raises(DataFileError, match=r"invalid byte at line 2, column 3 \(byte 6\)"):
        load(latin)
    binary = tmp_path / "z.txt"
    binary.write_bytes(b"1 2\n\x00")
    with pytest.raises(DataFileError, match=r"zero byte at line 2, column 1 \(byte 4\)"):
        load(binary)


@pytest.mark.parametrize(
    "array",
    [
        np.arange(12, dtype="<f4").reshape(3, 4),
        np.arange(12, dtype=">i8").reshape(2, 6),  # big-endian
        np.asfortranarray(np.arange(6.0).reshape(2, 3)),
        np.array([True, False, True]),
        np.array([1.5, -2.25], dtype=np.float16),
        np.array([250, 7], dtype=np.uint8),
        np.array(3.5),  # 0-d
        np.zeros((0, 3)),
        np.arange(24.0).reshape(2, 3, 4),
    ],
    ids=lambda a: f"{a.dtype.str}-{a.shape}",
)
def test_npy_reads_what_np_save_writes(tmp_path, array):
    path = tmp_path / "a.npy"
    np.save(path, array)
    loaded = load(path)
    assert loaded.dtype == np.float64 and loaded.shape == array.shape
    np.testing.assert_array_equal(loaded, np.load(path).astype(np.float64))


@pytest.mark.parametrize("version", [(2, 0), (3, 0)])
def test_npy_later_format_versions(tmp_path, version):
    from numpy.lib import format as npy_format

    path = tmp_path / "v.npy"
    array = np.arange(5.0)
    with path.open("wb") as handle:
        npy_format.write_array(handle, array, version=version)
    np.testing.assert_array_equal(load(path), array)
