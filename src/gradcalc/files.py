"""The file policy: every file gradcalc reads is bounded in size and, for data, confined.

Two kinds of reads, two rules:

* a **program** the user named on the command line (``-f FILE``, ``:load FILE``, a ``--batch``
  file) may be any readable regular file, because the user chose it; it is still size-bounded
  and never a FIFO, device, directory or socket, so it cannot hang or fill memory;
* a **data file** a program names (``load("x.csv")``) or ``--set NAME=@FILE`` is confined to
  the policy's directories (the working directory, the running script's directory and each
  ``--allow-read DIR``, as deno's ``--allow-read``), because a batch of untrusted programs must
  not read the rest of the disk, not even one line of it through an error message.

Both are checked with ``os.stat`` before opening and ``fstat`` on the opened descriptor, opened
with ``O_NONBLOCK`` (a FIFO swapped in after the check still cannot block) and read with the
size limit enforced while reading (a file that grows, or a /proc file that claims size 0).
Data files are opened one path component at a time with ``O_NOFOLLOW`` from ``/``, so a
directory swapped for a symlink after the confinement check fails instead of escaping.
Every failure is a ``UsageError`` (programs) or ``DataFileError`` (data) naming the path and
the reason, never the file's content and never a Python traceback.

References: open(2) and openat(2) (man7.org: O_NOFOLLOW, O_NONBLOCK on FIFOs, O_PATH);
deno's permission flags (https://docs.deno.com/runtime/reference/permissions/); the
open-beneath-without-symlinks walk in Nix (NixOS/nix PR 14935,
``openFileEnsureBeneathNoSymlinks``).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from gradcalc.errors import DataFileError, GradcalcError, UsageError

DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024
"""64 MiB: a .npy of 8 million float64 values (a 2,896 x 2,896 matrix, more than a terminal
calculator shows) loads in a fraction of a second, and the text file with the most values per
byte (one-digit CSV or JSON) still loads within about 400 MB of memory, though it takes 10 to
30 seconds, which is why the limit is not higher (bench/bench_files.py). A larger file is
refused before it is read; ``--max-file-bytes`` raises the limit."""

MAX_PATH_BYTES = 4095
"""Linux's PATH_MAX (4096) less the terminating NUL: a longer name can never be opened."""

_QUOTE_LIMIT = 16
_PATH_SHOWN = 200
_READ_CHUNK = 1 << 20

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NOCTTY = getattr(os, "O_NOCTTY", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
# O_PATH opens a directory without needing read permission on it (search permission is
# enough, as for an ordinary path lookup), so the walk works through 0711 home directories.
_PATH_ONLY = getattr(os, "O_PATH", os.O_RDONLY)
_CAN_WALK = bool(_NOFOLLOW and _DIRECTORY) and os.open in os.supports_dir_fd


# ---- the policy ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FilePolicy:
    """Where ``load()`` may read and how large any file may be.

    ``roots`` are the directories a run may read under by default (the working directory and
    the running script's directory); ``allow_read`` are the extra ``--allow-read`` directories;
    ``max_bytes`` bounds every file, programs included. Paths are stored resolved (absolute,
    symlinks followed) when the policy is made, so a later ``chdir`` does not move them.
    """

    roots: tuple[str, ...] = ()
    allow_read: tuple[str, ...] = ()
    max_bytes: int = DEFAULT_MAX_FILE_BYTES
    _resolved: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.max_bytes, bool) or not isinstance(self.max_bytes, int):
            raise UsageError(f"--max-file-bytes must be an integer, got {self.max_bytes!r}")
        if self.max_bytes < 1:
            raise UsageError(f"--max-file-bytes must be at least 1, got {self.max_bytes}")
        roots = tuple(_resolve_directory(r) for r in self.roots)
        allowed = tuple(_resolve_directory(d) for d in self.allow_read)
        object.__setattr__(self, "roots", roots)
        object.__setattr__(self, "allow_read", allowed)
        object.__setattr__(self, "_resolved", tuple(dict.fromkeys(roots + allowed)))

    @classmethod
    def for_run(
        cls,
        *,
        script: str | None = None,
        allow_read: Iterable[str] = (),
        max_bytes: int | None = None,
    ) -> FilePolicy:
        """The policy of one gradcalc run: the working directory, ``script``'s directory
        (``-f FILE``; None or ``-`` for a one-liner or stdin) and each ``--allow-read`` DIR,
        which must be an existing directory (else ``UsageError``)."""
        roots = []
        try:
            roots.append(os.getcwd())
        except OSError:
            pass  # a deleted working directory: nothing is readable under it
        if script is not None and script != "-":
            roots.append(_directory_of(script))
        allowed = tuple(_checked_allow_read(d) for d in allow_read)
        return cls(
            roots=tuple(roots),
            allow_read=allowed,
            max_bytes=DEFAULT_MAX_FILE_BYTES if max_bytes is None else max_bytes,
        )

    def with_script(self, script: str) -> FilePolicy:
        """This policy plus ``script``'s directory as a root (a script loaded later)."""
        return replace(self, roots=(*self.roots, _directory_of(script)))

    @property
    def readable_directories(self) -> tuple[str, ...]:
        """Every directory data may be read under, resolved, without repeats."""
        return self._resolved

    def permits(self, resolved_path: str) -> bool:
        """Whether ``resolved_path`` (absolute, symlinks resolved) is under a readable directory."""
        return any(_is_under(resolved_path, d) for d in self._resolved)


def _resolve_directory(path: str) -> str:
    # realpath alone, not after abspath: abspath would fold "link/.." before the link is seen.
    return os.path.realpath(os.fspath(path))


def _directory_of(script: str) -> str:
    """The directory holding ``script`` (resolved with the policy's other paths)."""
    return os.path.dirname(os.path.join(os.getcwd(), os.fspath(script)))


def _checked_allow_read(directory: str) -> str:
    shown = show_path(str(directory))
    try:
        _check_name(str(directory))
        info = os.stat(directory)
    except _Refusal as refusal:
        raise UsageError(f"--allow-read {shown}: {refusal.reason}") from None
    except OSError as exc:
        raise UsageError(f"--allow-read {shown}: {_os_reason(exc)}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise UsageError(
            f"--allow-read {shown}: not a directory",
            hint="--allow-read takes a directory; load() may then read any file under it",
        )
    return str(directory)


def _is_under(path: str, directory: str) -> bool:
    if directory == os.sep:
        return True
    return path == directory or path.startswith(directory + os.sep)


def parse_byte_size(text: str, option: str = "--max-file-bytes") -> int:
    """``"1000"``, ``"512k"``, ``"64M"``, ``"64MiB"``, ``"1G"`` -> bytes (binary multiples)."""
    match = re.fullmatch(r"\s*(\d{1,15})\s*([kKmMgG]?)(?:i?[bB])?\s*", str(text))
    if match is None:
        raise UsageError(
            f"{option} expects a size in bytes, got {show_path(str(text))}",
            hint=f"e.g. {option} 100000000 or {option} 256M",
        )
    number, unit = match.groups()
    size = int(number) * 1024 ** " KMG".index(unit.upper() or " ")
    if size < 1:
        raise UsageError(f"{option} must be at least 1 byte")
    return size


# ---- what messages may show ------------------------------------------------------------------


def short_quote(text: str, limit: int = _QUOTE_LIMIT) -> str:
    """``text`` quoted for a message about a file's content: at most ``limit`` characters then
    ``...``, control characters escaped (a terminal never interprets file bytes)."""
    cut = text[:limit]
    shown = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in cut)
    return f"'{shown}{'...' if len(text) > limit else ''}'"


def show_path(path_text: str, limit: int = _PATH_SHOWN) -> str:
    """A path as messages show it: control characters escaped, a very long one shortened."""
    if len(path_text) > limit:
        path_text = path_text[: limit - 40] + "..." + path_text[-37:]
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in path_text)


def byte_position(raw: bytes, offset: int) -> str:
    """Where byte ``offset`` of a file is: ``'line 2, column 13 (byte 18)'`` (1-based line and
    column, counted in bytes), so a message can point at content without quoting it."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, line_start) + 1
    return f"line {line}, column {offset - line_start + 1} (byte {offset})"


def bytes_text(size: int) -> str:
    """``2147483648`` -> ``'2.0 GiB (2,147,483,648 bytes)'``."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit} ({size:,} bytes)"
    return f"{size:,} bytes"


# ---- refusals --------------------------------------------------------------------------------


class _Refusal(Exception):
    """Why a file cannot be read; the public functions turn it into the right gradcalc error."""

    def __init__(self, reason: str, hint: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.hint = hint


_ERRNO_REASONS = {
    errno.ENOENT: "no such file",
    errno.EISDIR: "it is a directory",
    errno.ENOTDIR: "a part of the path is not a directory",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ELOOP: "too many symbolic links, or a symbolic link swapped in while it was opened",
    errno.ENAMETOOLONG: "the file name is too long",
}


def _os_reason(exc: OSError) -> str:
    reason = _ERRNO_REASONS.get(exc.errno)
    if reason is not None:
        return reason
    text = exc.strerror or f"error {exc.errno}"
    return text[:1].lower() + text[1:]


def _check_name(path_text: str) -> None:
    if not isinstance(path_text, str):
        raise _Refusal(f"the file name must be text, not {type(path_text).__name__}")
    if not path_text:
        raise _Refusal("the file name is empty")
    if "\x00" in path_text:
        raise _Refusal("the file name contains a NUL character")
    try:
        encoded = os.fsencode(path_text)
    except UnicodeError:
        raise _Refusal("the file name cannot be encoded for this system") from None
    if len(encoded) > MAX_PATH_BYTES:
        raise _Refusal(
            f"the file name is too long ({len(path_text):,} characters; "
            f"at most {MAX_PATH_BYTES:,} bytes)"
        )


def _describe_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "it is a directory"
    if stat.S_ISFIFO(mode):
        return "it is a named pipe (FIFO), which may never end"
    if stat.S_ISCHR(mode):
        return "it is a character device, not a file"
    if stat.S_ISBLK(mode):
        return "it is a block device, not a file"
    if stat.S_ISSOCK(mode):
        return "it is a socket, not a file"
    return "it is not a regular file"


def _check_regular(info: os.stat_result, max_bytes: int, *, kind_hint: str | None) -> None:
    if not stat.S_ISREG(info.st_mode):
        hint = kind_hint if stat.S_ISFIFO(info.st_mode) else None
        raise _Refusal(_describe_kind(info.st_mode), hint)
    if info.st_size > max_bytes:
        raise _Refusal(
            f"it is {bytes_text(info.st_size)}, over the limit of {bytes_text(max_bytes)}",
            hint="raise the limit with --max-file-bytes",
        )


# ---- an opened, checked file -----------------------------------------------------------------


class OpenedFile:
    """A regular file opened under the policy: reads stop at ``max_bytes`` in total.

    ``size`` is the size ``fstat`` reported when it was opened; use as a context manager.
    """

    def __init__(self, fd: int, size: int, max_bytes: int, fail: Callable[..., GradcalcError]):
        self._fd = fd
        self.size = size
        self.max_bytes = max_bytes
        self._fail = fail
        self._consumed = 0

    def __enter__(self) -> OpenedFile:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def read(self, count: int) -> bytes:
        """Up to ``count`` bytes (fewer only at the end of the file)."""
        parts = []
        wanted = count
        while wanted > 0:
            chunk = self._read_chunk(min(wanted, _READ_CHUNK))
            if not chunk:
                break
            parts.append(chunk)
            wanted -= len(chunk)
        return b"".join(parts)

    def read_all(self) -> bytes:
        """The rest of the file; more than ``max_bytes`` in total is refused while reading."""
        buffer = bytearray()
        while True:
            chunk = self._read_chunk(_READ_CHUNK)
            if not chunk:
                return bytes(buffer)
            buffer += chunk

    def _read_chunk(self, count: int) -> bytes:
        try:
            chunk = os.read(self._fd, count)
        except BlockingIOError:
            raise self._fail("it is not ready to be read (not a regular file)") from None
        except OSError as exc:
            raise self._fail(_os_reason(exc)) from None
        self._consumed += len(chunk)
        if self._consumed > self.max_bytes:
            raise self._fail(
                f"it grew past the limit of {bytes_text(self.max_bytes)} while being read",
                hint="raise the limit with --max-file-bytes",
            )
        return chunk


def _open_checked(path: str, info: os.stat_result, max_bytes: int, *, walk: bool) -> int:
    """Open ``path`` without blocking and check the descriptor is the file that was stat-ed."""
    flags = os.O_RDONLY | _NONBLOCK | _CLOEXEC | _NOCTTY
    try:
        fd = _open_without_symlinks(path, flags) if walk and _CAN_WALK else os.open(path, flags)
    except OSError as exc:
        raise _Refusal(_os_reason(exc)) from None
    try:
        opened = os.fstat(fd)
        _check_regular(opened, max_bytes, kind_hint=None)
        if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            raise _Refusal("it was replaced by another file while it was being opened")
    except BaseException:
        os.close(fd)
        raise
    return fd


def _open_without_symlinks(resolved: str, flags: int) -> int:
    """Open an absolute, symlink-free path from ``/`` one component at a time, refusing a
    symlink at every step (ELOOP), so no component can be swapped for one after the check."""
    parts = [p for p in resolved.split(os.sep) if p]
    if not parts:
        raise OSError(errno.EISDIR, "is a directory")
    directory = os.open(os.sep, _PATH_ONLY | _DIRECTORY | _CLOEXEC)
    try:
        for part in parts[:-1]:
            try:
                inner = os.open(
                    part, _PATH_ONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=directory
                )
            except NotADirectoryError:
                # The checks saw a directory here: it has been swapped for a symlink or a file.
                raise OSError(errno.ELOOP, "a symbolic link appeared in the path") from None
            os.close(directory)
            directory = inner
        return os.open(parts[-1], flags | _NOFOLLOW, dir_fd=directory)
    finally:
        os.close(directory)


# ---- programs --------------------------------------------------------------------------------


def read_program(path: str, policy: FilePolicy, *, command_line: bool = True) -> str:
    """The text of a program file the user named (``-f FILE``, ``:load FILE``, ``--batch``).

    Any readable regular file (no confinement: the user chose it), at most
    ``policy.max_bytes``, UTF-8 with an optional byte-order mark, newlines normalised to
    ``\\n``. ``command_line`` words the hint for ``-f`` (stdin) rather than ``:load``.
    Raises ``UsageError`` whose message never quotes the file's content.
    """
    shown = show_path(str(path))
    pipe_hint = (
        "to run a program from a pipe, give -f - and send it to stdin"
        if command_line
        else "pipes and devices cannot be loaded; save the program to a file"
    )

    def fail(reason: str, hint: str | None = None) -> UsageError:
        return UsageError(f"cannot read {shown}: {reason}", hint=hint)

    try:
        _check_name(path)
        try:
            info = os.stat(path)
        except OSError as exc:
            hint = None
            if exc.errno == errno.ENOENT:
                hint = (
                    "check the path (use -f - to read stdin)" if command_line else "check the path"
                )
            raise _Refusal(_os_reason(exc), hint) from None
        _check_regular(info, policy.max_bytes, kind_hint=pipe_hint)
        fd = _open_checked(path, info, policy.max_bytes, walk=False)
    except _Refusal as refusal:
        raise fail(refusal.reason, refusal.hint) from None
    with OpenedFile(fd, info.st_size, policy.max_bytes, fail) as opened:
        raw = opened.read_all()
    return _program_text(raw, fail, "not a UTF-8 text file")


def read_program_stream(stream, policy: FilePolicy, name: str = "stdin") -> str:
    """A program read from ``stream`` (stdin for ``-f -``, ``-`` or a pipe): at most
    ``policy.max_bytes``, then decoded as ``read_program`` does. ``cat /dev/zero | gradcalc``
    is refused once the limit is read instead of filling memory. A text stream (a test
    harness's) is accepted as it is."""

    def fail(reason: str, hint: str | None = None) -> UsageError:
        return UsageError(f"cannot read {name}: {reason}", hint=hint)

    source = getattr(stream, "buffer", stream)
    parts: list = []
    total = 0
    while True:
        try:
            chunk = source.read(min(_READ_CHUNK, policy.max_bytes + 1 - total))
        except OSError as exc:
            raise fail(_os_reason(exc)) from None
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
        if total > policy.max_bytes:
            raise fail(
                f"more than {bytes_text(policy.max_bytes)}",
                hint="raise the limit with --max-file-bytes",
            )
    if parts and isinstance(parts[0], str):
        text = "".join(parts).removeprefix("\ufeff")
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return _program_text(b"".join(parts), fail, "not UTF-8 text")


def _program_text(raw: bytes, fail: Callable[..., GradcalcError], not_utf8: str) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(
            f"{not_utf8} (an invalid byte at {byte_position(raw, exc.start)})",
            hint="gradcalc scripts are plain UTF-8 text",
        ) from None
    # As Python's text mode: Windows and old Mac line ends are plain newlines.
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---- data files ------------------------------------------------------------------------------


def open_data(path: str, policy: FilePolicy) -> OpenedFile:
    """Open a data file for ``load()`` or ``--set NAME=@FILE`` under ``policy``.

    The path (``~`` expanded, relative to the working directory) is resolved, symlinks
    included, and must lie under one of ``policy.readable_directories``; it must be a regular
    file of at most ``policy.max_bytes``. Raises ``DataFileError`` naming the path and why.
    """
    shown = show_path(str(path))

    def fail(reason: str, hint: str | None = None) -> DataFileError:
        return DataFileError(f"cannot load '{shown}': {reason}", hint=hint)

    try:
        resolved = _confined(path, policy)
        try:
            info = os.stat(resolved)
        except OSError as exc:
            raise _Refusal(_os_reason(exc)) from None
        _check_regular(
            info, policy.max_bytes, kind_hint="data files must be regular files, not pipes"
        )
        fd = _open_checked(resolved, info, policy.max_bytes, walk=True)
    except _Refusal as refusal:
        raise fail(refusal.reason, refusal.hint) from None
    return OpenedFile(fd, info.st_size, policy.max_bytes, fail)


def read_data(path: str, policy: FilePolicy) -> bytes:
    """The bytes of a data file, with every check of ``open_data``."""
    with open_data(path, policy) as opened:
        return opened.read_all()


def _confined(path_text: str, policy: FilePolicy) -> str:
    """The resolved path, or a refusal if it leads outside the readable directories.

    Checked before the file is even stat-ed, so a program learns nothing about files outside
    (not whether they exist, not their type or size)."""
    _check_name(path_text)
    try:
        expanded = os.path.expanduser(path_text)
        resolved = os.path.realpath(os.path.join(os.getcwd(), expanded))
    except (OSError, ValueError) as exc:
        reason = _os_reason(exc) if isinstance(exc, OSError) else "the file name cannot be used"
        raise _Refusal(reason) from None
    if policy.permits(resolved):
        return resolved
    directories = policy.readable_directories
    where = ", ".join(show_path(d) for d in directories) or "none"
    through_link = os.path.normpath(os.path.join(os.getcwd(), expanded)) != resolved
    how = "it leads through a symbolic link to a place" if through_link else "it is"
    raise _Refusal(
        f"{how} outside the directories gradcalc may read ({where})",
        hint="data files are read under the working directory and the script's directory; "
        "allow another directory with --allow-read DIR",
    )
