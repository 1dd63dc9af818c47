"""The file policy: every file gradcalc reads is bounded, and data files are confined.

Each symptom of the hostile-input report (file content in error messages, reads outside the
working directory, FIFOs that hang, devices and sparse files that fill memory, .npy headers that
are evaluated or claim huge shapes, over-long names) is reproduced here and must now be refused
quickly with a gradcalc error; the allowed cases must keep working.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import signal
import socket
import tempfile
import time

import numpy as np
import pytest
from hostile_helpers import assert_no_python_leak, run_error

from gradcalc import files
from gradcalc.errors import DataFileError, GradcalcError, LimitError, UsageError
from gradcalc.files import FilePolicy, read_data, read_program
from gradcalc.interpreter.loading import load_array

PASSWD_LINE = "root:x:0:0:root:/root:/bin/bash"
"""A first line as /etc/passwd has it: no error message may ever show it."""

SECRET = "s3cr3t-token-1234567890"


@contextlib.contextmanager
def deadline(seconds: float = 5.0):
    """Fail instead of hanging forever (an open or read of a FIFO blocks without a writer)."""

    def expired(signum, frame):
        raise TimeoutError(f"still blocked after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def refused(call, error=DataFileError, *wanted: str) -> GradcalcError:
    """``call()`` raises ``error`` at once, with every ``wanted`` text in its message."""
    started = time.monotonic()
    with deadline(), pytest.raises(error) as info:
        call()
    assert time.monotonic() - started < 2.0  # milliseconds really; slack for a busy machine
    message = info.value.message + " " + (info.value.hint or "")
    for text in wanted:
        assert text in message, (text, message)
    assert_no_python_leak(message)
    assert PASSWD_LINE[:8] not in message and SECRET not in message
    return info.value


def sparse(path, size: int) -> None:
    """A file of ``size`` bytes that takes no disk space, as ``truncate -s 2G`` makes."""
    path.touch()
    os.truncate(path, size)


@pytest.fixture
def root(tmp_path):
    """A project directory (the policy's only root) and, beside it, a private one."""
    project = tmp_path / "project"
    project.mkdir()
    private = tmp_path / "private"
    private.mkdir()
    (private / "secret.csv").write_text(f"{SECRET}\n1,2\n")
    (private / "passwd.csv").write_text(PASSWD_LINE + "\n")
    return project


@pytest.fixture
def policy(root):
    return FilePolicy(roots=(str(root),))


def load(path, policy, max_elements=1_000_000):
    return load_array(str(path), policy=policy, max_elements=max_elements)


# ---- confinement -----------------------------------------------------------------------------


def test_symlink_out_of_the_root_is_refused_without_reading(root, policy):
    (root / "pw.csv").symlink_to(root.parent / "private" / "passwd.csv")
    error = refused(lambda: load(root / "pw.csv", policy), DataFileError, "symbolic link")
    assert "outside the directories gradcalc may read" in error.message
    assert str(root) in error.message and "--allow-read" in error.hint


def test_symlink_to_etc_passwd_shows_no_content(root, policy):
    (root / "pw.txt").symlink_to("/etc/passwd")
    error = refused(lambda: load(root / "pw.txt", policy), DataFileError, "outside")
    assert "root:" not in error.message


@pytest.mark.parametrize(
    "name", ["../private/secret.csv", "sub/../../private/secret.csv", "./../private/passwd.csv"]
)
def test_dot_dot_paths_are_refused(root, policy, monkeypatch, name):
    (root / "sub").mkdir()
    monkeypatch.chdir(root)
    refused(lambda: load(name, policy), DataFileError, "is outside the directories")


def test_absolute_paths_outside_are_refused_before_stat(root, policy):
    refused(lambda: read_data("/etc/passwd", policy), DataFileError, "outside")
    # Existence is not revealed: a missing file outside reads exactly as a present one.
    missing = refused(lambda: read_data("/etc/no-such-file-here", policy), DataFileError)
    present = refused(lambda: read_data("/etc/passwd", policy), DataFileError)
    assert missing.message.split(":", 1)[1] == present.message.split(":", 1)[1]


def test_a_symlinked_directory_leading_out_is_refused(root, policy):
    (root / "data").symlink_to(root.parent / "private", target_is_directory=True)
    refused(lambda: load(root / "data" / "secret.csv", policy), DataFileError, "symbolic link")


def test_home_directory_paths_are_confined_too(policy):
    refused(lambda: read_data("~/.bashrc", policy), DataFileError, "outside")


# ---- what is not a regular file --------------------------------------------------------------


def test_fifo_never_blocks(root):
    fifo = root / "f.csv"
    os.mkfifo(fifo)
    policy = FilePolicy(roots=(str(root),))
    refused(lambda: load(fifo, policy), DataFileError, "named pipe (FIFO)")
    refused(lambda: read_program(str(fifo), policy), UsageError, "named pipe", "-f -")


def test_fifo_swapped_in_after_the_check_does_not_block(root, policy, monkeypatch):
    target = root / "d.csv"
    target.write_text("1,2\n")
    real_open = files._open_without_symlinks

    def swap_then_open(path, flags):
        target.unlink()
        os.mkfifo(target)
        return real_open(path, flags)

    monkeypatch.setattr(files, "_open_without_symlinks", swap_then_open)
    refused(lambda: load(target, policy), DataFileError, "named pipe")


def test_file_replaced_after_the_check_is_refused(root, policy, monkeypatch):
    target = root / "d.csv"
    target.write_text("1,2\n")
    replacement = root / "other.csv"
    replacement.write_text("3,4\n")
    real_open = files._open_without_symlinks

    def swap_then_open(path, flags):
        os.replace(replacement, target)
        return real_open(path, flags)

    monkeypatch.setattr(files, "_open_without_symlinks", swap_then_open)
    refused(lambda: load(target, policy), DataFileError, "replaced by another file")


def test_directory_swapped_for_a_symlink_after_resolving_is_refused(root, policy, monkeypatch):
    """A path that resolved inside the root, whose directory is then a symlink leading out:
    the component-by-component O_NOFOLLOW open refuses it."""
    (root / "sub").symlink_to(root.parent / "private", target_is_directory=True)
    monkeypatch.setattr(files.os.path, "realpath", lambda path, **_: os.path.normpath(path))
    refused(lambda: load(root / "sub" / "secret.csv", policy), DataFileError, "symbolic link")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_are_refused(root, device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    (root / "zeros.csv").symlink_to(device)
    policy = FilePolicy(roots=(str(root),))
    refused(lambda: load(root / "zeros.csv", policy), DataFileError, "outside")
    opened_up = FilePolicy(roots=(str(root),), allow_read=("/dev",))
    refused(lambda: load(root / "zeros.csv", opened_up), DataFileError, "character device")
    refused(lambda: read_program(device, policy), UsageError, "character device")


def test_directory_is_refused(root, policy):
    (root / "adir.csv").mkdir()
    refused(lambda: load(root / "adir.csv", policy), DataFileError, "it is a directory")
    refused(lambda: read_program(str(root / "adir.csv"), policy), UsageError, "is a directory")


def test_socket_is_refused():
    # A short directory: a unix socket's path is limited to about 100 bytes.
    with tempfile.TemporaryDirectory(dir="/tmp") as short:
        path = os.path.join(short, "s.csv")
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            server.bind(path)
            server.listen(1)
            policy = FilePolicy(roots=(short,))
            refused(lambda: load(path, policy), DataFileError, "socket")
            refused(lambda: read_program(path, policy), UsageError, "socket")
        finally:
            server.close()


# ---- sizes -----------------------------------------------------------------------------------


def test_sparse_two_gigabyte_files_are_refused_before_reading(root, policy):
    for name in ("big.npy", "big.csv", "big.gc"):
        sparse(root / name, 2 << 30)
    refused(lambda: load(root / "big.npy", policy), DataFileError, "2.0 GiB", "--max-file-bytes")
    refused(lambda: load(root / "big.csv", policy), DataFileError, "over the limit of 64.0 MiB")
    refused(lambda: read_program(str(root / "big.gc"), policy), UsageError, "over the limit")


def test_a_file_that_grows_while_read_is_cut_off(root):
    path = root / "grow.csv"
    path.write_text("1,2\n")
    policy = FilePolicy(roots=(str(root),), max_bytes=100)
    with files.open_data(str(path), policy) as opened:
        assert opened.size == 4
        with path.open("a") as handle:  # the file grows after the size check
            handle.write("3,4\n" * 100)
        with pytest.raises(DataFileError, match="grew past the limit of 100 bytes"):
            opened.read_all()


def test_a_proc_file_that_claims_size_zero_is_bounded():
    if not os.path.exists("/proc/self/status"):
        pytest.skip("no /proc")
    policy = FilePolicy(roots=(), allow_read=("/proc",), max_bytes=64)
    assert os.stat("/proc/self/status").st_size == 0
    refused(lambda: read_data("/proc/self/status", policy), DataFileError, "grew past")


def test_limit_can_be_raised(root):
    path = root / "d.csv"
    path.write_text("1,2,3\n" * 20)
    refused(lambda: load(path, FilePolicy(roots=(str(root),), max_bytes=50)), DataFileError)
    assert load(path, FilePolicy(roots=(str(root),), max_bytes=500)).shape == (20, 3)


def test_too_many_values_in_text_is_a_limit_error(root, policy):
    (root / "many.csv").write_text("1,2,3,4\n" * 10)
    refused(lambda: load(root / "many.csv", policy, max_elements=30), LimitError, "30 values")
    (root / "many.json").write_text(json.dumps([[1, 2, 3]] * 11))
    refused(lambda: load(root / "many.json", policy, max_elements=30), LimitError, "30 values")


# ---- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "wanted"),
    [
        ("a" * 5000 + ".csv", "file name is too long (5,004 characters"),
        ("a" * 300 + ".csv", "the file name is too long"),
        ("x\x00y.csv", "NUL character"),
        ("\ud800.csv", "cannot be encoded"),
    ],
)
def test_bad_names_are_clear_errors(root, policy, monkeypatch, name, wanted):
    monkeypatch.chdir(root)
    error = refused(lambda: load(name, policy), DataFileError, wanted)
    assert len(error.message) < 400  # the name is shortened, not repeated in full
    refused(lambda: read_program(name, policy), UsageError, wanted)


# ---- .npy ------------------------------------------------------------------------------------


def npy_bytes(header: str, data: bytes = b"", version: int = 1) -> bytes:
    encoded = header.encode("latin-1")
    length = len(encoded).to_bytes(2 if version == 1 else 4, "little")
    return b"\x93NUMPY" + bytes([version, 0]) + length + encoded + data


def test_npy_header_claiming_a_huge_shape_is_refused_before_allocating(root, policy):
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000), }\n"
    (root / "huge.npy").write_bytes(npy_bytes(header, b"\0" * 64))
    error = refused(lambda: load(root / "huge.npy", policy), LimitError, "(100000, 100000)")
    assert "10,000,000,000 elements" in error.message and "--max-elements" in error.hint


def test_npy_header_claiming_more_data_than_the_file_holds(root, policy):
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000, 1000), }\n"
    (root / "short.npy").write_bytes(npy_bytes(header, b"\0" * 80))
    refused(lambda: load(root / "short.npy", policy), DataFileError, "8,000,000 bytes", "80")


@pytest.mark.parametrize(
    "header",
    [
        "{'descr': __import__('os').system('touch PWNED'), 'fortran_order': False, 'shape': ()}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2 * 3,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1.5,)}",
        "{'descr': '<f\\x38', 'fortran_order': False, 'shape': (1,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': " + "(" * 5000 + ")" * 5000 + "}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1,)} + 1",
        "[" + "'x', " * 1000 + "]",
    ],
)
def test_npy_header_that_is_not_a_literal_is_never_evaluated(root, policy, monkeypatch, header):
    import ast
    import builtins

    def tripwire(*args, **kwargs):
        raise AssertionError("the .npy header was evaluated")

    (root / "h.npy").write_bytes(npy_bytes(header, b"\0" * 8))
    monkeypatch.chdir(root)
    with monkeypatch.context() as patch:
        patch.setattr(ast, "literal_eval", tripwire)
        patch.setattr(builtins, "eval", tripwire)
        refused(lambda: load(root / "h.npy", policy), DataFileError, "not a valid .npy file")
    assert not (root / "PWNED").exists()


def test_npy_header_longer_than_numpys_limit(root, policy):
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }" + " " * 20000 + "\n"
    (root / "long.npy").write_bytes(npy_bytes(header, b"\0" * 8, version=2))
    refused(lambda: load(root / "long.npy", policy), DataFileError, "at most 10,000")


def test_pickles_are_refused(root, policy):
    (root / "pickle.npy").write_bytes(pickle.dumps([1.0, 2.0]))
    error = refused(lambda: load(root / "pickle.npy", policy), DataFileError, "no NUMPY header")
    assert "never unpickles" in error.hint
    np.save(root / "objects.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    refused(lambda: load(root / "objects.npy", policy), DataFileError, "pickled Python objects")
    structured = np.zeros(2, dtype=[("a", "<f8"), ("b", "<i4")])
    np.save(root / "records.npy", structured)
    refused(lambda: load(root / "records.npy", policy), DataFileError, "structured array")


# ---- content in messages ---------------------------------------------------------------------


def test_content_errors_quote_at_most_a_short_cell(root, policy):
    (root / "pw.txt").write_text(PASSWD_LINE + "\n")
    error = refused_allowing_content(lambda: load(root / "pw.txt", policy))
    assert "line 1: 'root:x:0:0:root:...' is not a number (value 1 on the line)" in error.message
    (root / "long.txt").write_text("1 2\n3 " + "x" * 500 + "\n")
    error = refused_allowing_content(lambda: load(root / "long.txt", policy))
    assert "line 2: 'xxxxxxxxxxxxxxxx...' is not a number (value 2" in error.message
    (root / "esc.csv").write_text("1\n\x1b[31mred\n")
    error = refused_allowing_content(lambda: load(root / "esc.csv", policy))
    assert "\x1b" not in error.message and "\\x1b[31mred" in error.message


def refused_allowing_content(call) -> DataFileError:
    with pytest.raises(DataFileError) as info:
        call()
    assert PASSWD_LINE not in info.value.message
    return info.value


def test_non_utf8_program_gives_a_position_not_content(root, policy):
    (root / "latin.gc").write_bytes(b"x = 1\ny = 2  # caf\xe9 " + SECRET.encode() + b"\n")
    refused(
        lambda: read_program(str(root / "latin.gc"), policy),
        UsageError,
        "not a UTF-8 text file",
        "at line 2, column 13 (byte 18)",
    )
    (root / "binary.gc").write_bytes(bytes(range(256)))
    refused(lambda: read_program(str(root / "binary.gc"), policy), UsageError, "not a UTF-8")


def test_etc_passwd_content_never_in_a_session_message(root, monkeypatch):
    monkeypatch.chdir(root)
    (root / "pw.txt").symlink_to("/etc/passwd")
    (root / "pw.csv").symlink_to("/etc/passwd")
    for source in ['y = load("pw.txt")', 'y = load("pw.csv")', 'y = load("/etc/passwd.csv")']:
        error = run_error(source)
        assert isinstance(error, DataFileError)
        assert "root:" not in error.message and "outside" in error.message


# ---- what stays allowed ----------------------------------------------------------------------


def test_files_under_the_working_directory(root, monkeypatch):
    monkeypatch.chdir(root)
    (root / "sub").mkdir()
    (root / "sub" / "d.csv").write_text("1,2\n3,4\n")
    policy = FilePolicy.for_run()
    np.testing.assert_array_equal(load("sub/d.csv", policy), [[1, 2], [3, 4]])
    np.testing.assert_array_equal(load("sub/../sub/d.csv", policy), [[1, 2], [3, 4]])


def test_files_under_the_scripts_directory(root, tmp_path, monkeypatch):
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "w.json").write_text("[1.5, 2.5]")
    monkeypatch.chdir(root)
    refused(lambda: load(scripts / "w.json", FilePolicy.for_run()), DataFileError, "outside")
    policy = FilePolicy.for_run(script=str(scripts / "train.gc"))
    np.testing.assert_array_equal(load(scripts / "w.json", policy), [1.5, 2.5])
    np.testing.assert_array_equal(load("../scripts/w.json", policy), [1.5, 2.5])
    later = FilePolicy.for_run().with_script(str(scripts / "other.gc"))
    np.testing.assert_array_equal(load(scripts / "w.json", later), [1.5, 2.5])


def test_files_under_an_allow_read_directory(root, tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir()
    np.save(shared / "w.npy", np.arange(6.0).reshape(2, 3))
    monkeypatch.chdir(root)
    policy = FilePolicy.for_run(allow_read=[str(shared)])
    np.testing.assert_array_equal(load(shared / "w.npy", policy), np.arange(6.0).reshape(2, 3))
    assert str(shared) in policy.readable_directories


def test_symlinks_inside_a_root_are_followed(root, policy):
    (root / "data").mkdir()
    (root / "data" / "real.csv").write_text("1,2\n")
    (root / "link.csv").symlink_to("data/real.csv")
    (root / "alias").symlink_to("data", target_is_directory=True)
    np.testing.assert_array_equal(load(root / "link.csv", policy), [1, 2])
    np.testing.assert_array_equal(load(root / "alias" / "real.csv", policy), [1, 2])


def test_a_root_given_through_a_symlink(root, tmp_path):
    (root / "d.csv").write_text("5\n")
    (tmp_path / "via").symlink_to(root, target_is_directory=True)
    policy = FilePolicy(roots=(str(tmp_path / "via"),))
    assert load(tmp_path / "via" / "d.csv", policy).item() == 5.0
    assert load(root / "d.csv", policy).item() == 5.0


def test_program_files_are_not_confined_but_are_decoded(root, tmp_path):
    program = tmp_path / "private" / "prog.gc"
    program.write_bytes("\ufeffx = 1\r\ny = 'café'\r\n".encode())
    assert read_program(str(program), FilePolicy(roots=(str(root),))) == "x = 1\ny = 'café'\n"
    refused(
        lambda: read_program(str(root / "missing.gc"), FilePolicy()), UsageError, "no such file"
    )


# ---- the policy value ------------------------------------------------------------------------


def test_allow_read_must_be_an_existing_directory(root):
    with pytest.raises(UsageError, match="--allow-read .*no such file"):
        FilePolicy.for_run(allow_read=[str(root / "nope")])
    (root / "f.csv").write_text("1\n")
    with pytest.raises(UsageError, match="not a directory") as info:
        FilePolicy.for_run(allow_read=[str(root / "f.csv")])
    assert "--allow-read takes a directory" in info.value.hint


@pytest.mark.parametrize(
    ("text", "size"),
    [("1000", 1000), ("512k", 512 * 1024), ("64M", 64 << 20), ("64MiB", 64 << 20), ("1G", 1 << 30)],
)
def test_parse_byte_size(text, size):
    assert files.parse_byte_size(text) == size


@pytest.mark.parametrize("text", ["", "-5", "1.5M", "12T", "0", "lots"])
def test_parse_byte_size_refuses(text):
    with pytest.raises(UsageError, match="--max-file-bytes"):
        files.parse_byte_size(text)


def test_policy_is_frozen_and_validated():
    policy = FilePolicy.for_run()
    with pytest.raises(AttributeError):
        policy.max_bytes = 1  # type: ignore[misc]
    with pytest.raises(UsageError):
        FilePolicy(max_bytes=0)
    assert FilePolicy().max_bytes == files.DEFAULT_MAX_FILE_BYTES == 64 * 1024 * 1024


# ---- end to end: the installed command (load() and --set already use the policy) -------------


@pytest.mark.slow
def test_cli_load_and_set_refuse_hostile_files(run_gradcalc, tmp_path):
    (tmp_path / "pw.csv").symlink_to("/etc/passwd")
    os.mkfifo(tmp_path / "f.csv")
    sparse(tmp_path / "big.npy", 2 << 30)
    cases = [
        (['y = load("pw.csv")'], 1, "outside the directories"),
        (['y = load("../x.csv")'], 1, "outside the directories"),
        (['y = load("f.csv")'], 1, "named pipe"),
        (["-s", "x=@f.csv", "m = sum(x)"], 2, "named pipe"),
        (['y = load("big.npy")'], 1, "over the limit"),
    ]
    for args, code, wanted in cases:
        proc = run_gradcalc(*args, timeout=30)
        assert proc.returncode == code, (args, proc.stderr)
        assert wanted in " ".join(proc.stderr.split()), (args, proc.stderr)
        assert "root:" not in proc.stderr + proc.stdout
        assert_no_python_leak(proc.stderr)


# ---- programs from stdin ---------------------------------------------------------------------


def test_stdin_that_never_ends_is_cut_off():
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    policy = FilePolicy(max_bytes=1 << 20)
    with open("/dev/zero", "rb") as endless:  # as `cat /dev/zero | gradcalc`
        refused(
            lambda: files.read_program_stream(endless, policy),
            UsageError,
            "cannot read stdin: more than 1.0 MiB",
            "--max-file-bytes",
        )


def test_stdin_programs_are_decoded_as_files_are():
    import io

    policy = FilePolicy()
    raw = io.BytesIO("\ufeffx = 1\r\ny = 2\n".encode())
    assert files.read_program_stream(raw, policy) == "x = 1\ny = 2\n"
    assert files.read_program_stream(io.StringIO("\ufeffz = 3"), policy) == "z = 3"
    latin = io.BytesIO(b"x = 1\n# caf\xe9 " + SECRET.encode())
    refused(
        lambda: files.read_program_stream(latin, policy),
        UsageError,
        "cannot read stdin: not UTF-8 text (an invalid byte at line 2, column 6 (byte 11))",
    )
