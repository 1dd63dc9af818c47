"""load("path") and --set NAME=@path: numeric data in, every bad file out with a clear error."""

from __future__ import annotations

import json

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gradcalc.errors import DataFileError, LimitError
from gradcalc.files import FilePolicy
from gradcalc.interpreter.jsonnumbers import parse_json_numbers
from gradcalc.interpreter.loading import load_array, nested_numbers_to_array


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


# ---- .json: the streaming parser reads what json.loads reads ----------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=True)
    | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=20,
)


def _through_json_loads(text: str):
    """What the json module and the list checker make of ``text`` (the reference)."""
    try:
        return nested_numbers_to_array(json.loads(text), what="x", error=DataFileError)
    except DataFileError:
        return None


def _streamed(text: str):
    try:
        return parse_json_numbers(text, "x.json", 10**6)
    except DataFileError:
        return None


@settings(max_examples=300, deadline=None)
@given(value=json_values, indent=st.sampled_from([None, 0, 2]))
def test_json_parser_agrees_with_json_loads(value, indent):
    text = json.dumps(value, indent=indent)
    expected, got = _through_json_loads(text), _streamed(text)
    assert (expected is None) == (got is None), text
    if got is not None:
        assert got.shape == expected.shape
        np.testing.assert_array_equal(got, expected)


@settings(max_examples=200, deadline=None)
@given(array=hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=4, min_side=0)))
def test_json_regular_arrays_round_trip(array):
    # JSON cannot tell (0,) from (0, 3): an empty list has no inner lists to show their length.
    assume(array.size > 0 or array.ndim <= 1)
    got = parse_json_numbers(json.dumps(array.tolist()), "x.json", 10**6)
    assert got.shape == array.shape
    np.testing.assert_array_equal(got, array)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "invalid JSON: a value was expected (line 1, column 1)"),
        ("[1, 2,]", "invalid JSON: a value was expected (line 1, column 7)"),
        ("[1 2]", "invalid JSON: ',' or ']' was expected (line 1, column 4)"),
        ("[1, 2]]", "unexpected text after the value (line 1, column 7)"),
        ("[[1, 2],\n [3]]", "ragged nested lists (lengths [1, 2] at depth 1) (line 2, column 4)"),
        ("[[1], 2]", "numbers and lists mixed at depth 1 (line 1, column 7)"),
        ('[1, "' + "y" * 40 + '"]', "'yyyyyyyyyyyyyyyy...' is not a number (line 1, column 5)"),
        ("[true]", "true is not a number"),
        ("[1, {}]", "an object is not a number"),
        ("1" * 400, "an integer is too large"),
        ("[" * 65 + "]" * 65, "more than 64 nested levels of JSON lists"),
    ],
)
def test_json_error_positions(text, message):
    with pytest.raises(DataFileError) as info:
        parse_json_numbers(text, "x.json", 10**6)
    assert message in info.value.message


def test_json_nan_infinity_and_deep_but_allowed_nesting():
    got = parse_json_numbers("[NaN, Infinity, -Infinity, -0.0, 1e400]", "x.json", 10)
    assert np.isnan(got[0]) and list(got[1:]) == [np.inf, -np.inf, 0.0, np.inf]
    assert parse_json_numbers("[" * 64 + "1" + "]" * 64, "x.json", 10).shape == (1,) * 64


def test_json_long_rows_and_limits():
    row = list(range(10_000))
    text = json.dumps([row, row[::-1]])
    got = parse_json_numbers(text, "x.json", 10**6)
    assert got.shape == (2, 10_000) and got[1, 0] == 9_999.0
    assert parse_json_numbers("[1, 2, NaN, 3]", "x.json", 10).shape == (4,)
    with pytest.raises(LimitError, match="more than 19,999 values"):
        parse_json_numbers(text, "x.json", 19_999)
    with pytest.raises(DataFileError, match=r"',' or '\]' was expected \(line 1, column 7\)"):
        parse_json_numbers("[1, 2 3]", "x.json", 10)
    with pytest.raises(DataFileError, match="an integer is too large"):
        parse_json_numbers("[1, " + "9" * 400 + "]", "x.json", 10)


# ---- .csv/.txt: whole blocks of plain rows read at once give what line by line gives ---------

table_cells = st.one_of(
    st.floats(allow_nan=False).map(repr),
    st.integers(-1000, 1000).map(str),
    st.sampled_from(["", " 7 ", '"3"', "x", "nan", "-inf", "1e-3", "# c", "1,", "  "]),
)
table_lines = st.lists(
    st.lists(table_cells, min_size=1, max_size=4).map(lambda cells: ",".join(cells)),
    max_size=12,
)


def _read_table(path, *, blocks: bool, monkeypatch):
    from gradcalc.interpreter import loading

    with monkeypatch.context() as patch:
        patch.setattr(loading, "_BLOCK", 8)  # many small blocks, each tried on the fast path
        if not blocks:
            patch.setattr(loading._Table, "read_block", lambda self, block: False)
        try:
            return load(path)
        except DataFileError as error:
            return error.message


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    lines=table_lines,
    suffix=st.sampled_from([".csv", ".txt"]),
    repeat=st.integers(1, 5),
    ending=st.sampled_from(["\n", "\r\n", ""]),
)
def test_block_reading_matches_line_reading(tmp_path, monkeypatch, lines, suffix, repeat, ending):
    path = tmp_path / f"t{suffix}"
    path.write_text(ending.join(lines * repeat) + ending, newline="")
    fast = _read_table(path, blocks=True, monkeypatch=monkeypatch)
    slow = _read_table(path, blocks=False, monkeypatch=monkeypatch)
    if isinstance(slow, str):
        assert fast == slow
    else:
        assert isinstance(fast, np.ndarray) and fast.shape == slow.shape
        np.testing.assert_array_equal(fast, slow)


# ---- the .npy header literal -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }          \n",
            {"descr": "<f8", "fortran_order": False, "shape": (2, 3)},
        ),
        ('{"descr": "|u1", "fortran_order": True, "shape": ()}', None),
        ("{'shape': (3L, 4L), 'descr': '>i4', 'fortran_order': False}", None),  # Python 2 longs
        ("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (5,)}", None),
        ("{'shape': (7)}", {"shape": 7}),  # (7) is 7, as in Python
    ],
)
def test_npy_header_literals(text, value):
    from gradcalc.interpreter.npyfile import parse_header

    parsed = parse_header(text)
    assert isinstance(parsed, dict)
    if value is not None:
        assert parsed == value
    if "3L" in text:
        assert parsed["shape"] == (3, 4)


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("{'descr': np.float64}", 10),
        ("{'a': 1.5}", 7),
        ("{'a': -1}", 6),
        ("{'a': 'x\\n'}", 6),
        ("{'a': 1} {}", 9),
        ("{'a' 1}", 5),
        ("{1: 2}", 1),
    ],
)
def test_npy_header_non_literals_are_refused_with_a_position(text, offset):
    from gradcalc.interpreter.npyfile import HeaderError, parse_header

    with pytest.raises(HeaderError) as info:
        parse_header(text)
    assert info.value.offset == offset
