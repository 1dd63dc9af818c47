"""The 32-bit stream behind PyTorch's default CPU generator: mt19937 as ``at::CPUGeneratorImpl``.

Sources read (PyTorch, BSD-3-Clause): ATen/core/MT19937RNGEngine.h as installed with torch
2.13.0 (seeding and the ``left``/``next`` bookkeeping) and aten/src/ATen/CPUGeneratorImpl.cpp
from github.com/pytorch/pytorch (``random64`` takes the first 32-bit draw as the high half; the
byte layout of ``get_state``/``set_state``; reseeding drops the cached normal samples).

numpy's ``MT19937`` bit generator produces the identical stream once its key is the one
``init_genrand`` makes, and it is much faster than anything written in Python, so it does the
twisting and tempering; this module only seeds it, counts, and converts state.
"""

from __future__ import annotations

import numpy as np

from gradcalc.errors import ValueDomainError

STATE_WORDS = 624
SEED_LIMIT = 1 << 64

# CPUGeneratorImplState as torch.get_rng_state() returns it: the legacy TH struct (64-bit state
# words, three unused doubles) followed by the float normal cache. Padding is zero in PyTorch's
# bytes (the struct is value-initialised), so the pad fields are written as zeros too.
STATE_LAYOUT = np.dtype(
    [
        ("the_initial_seed", "<u8"),
        ("left", "<i4"),
        ("seeded", "<i4"),
        ("next", "<u8"),
        ("state", "<u8", (STATE_WORDS,)),
        ("normal_x", "<f8"),
        ("normal_y", "<f8"),
        ("normal_rho", "<f8"),
        ("normal_is_valid", "<i4"),
        ("pad_after_valid", "V4"),
        ("next_float_normal_sample", "<f4"),
        ("is_next_float_normal_sample_valid", "u1"),
        ("pad_at_end", "V3"),
    ]
)
STATE_SIZE = STATE_LAYOUT.itemsize  # 5056, as sizeof(CPUGeneratorImplState) on x86-64


def init_genrand(seed: int) -> tuple:
    """The mt19937 key for ``seed`` (only its low 32 bits count, as in PyTorch).

    The recurrence is sequential, about 0.2 ms in Python: the keys of the last few seeds are
    kept, since a batch reseeds the same generator before every line. A tuple of ints, which
    numpy's state setter copies about ten times faster than an array."""
    seed &= 0xFFFFFFFF
    key = _recent_keys.get(seed)
    if key is None:
        if len(_recent_keys) >= 8:
            _recent_keys.clear()
        key = _recent_keys[seed] = _key_for(seed)
    return key


_recent_keys: dict = {}


def _key_for(seed: int) -> tuple:
    """``seed`` is already a 32-bit value (``init_genrand`` masks it)."""
    key = [0] * STATE_WORDS
    previous = seed
    key[0] = previous
    for j in range(1, STATE_WORDS):
        previous = (1812433253 * (previous ^ (previous >> 30)) + j) & 0xFFFFFFFF
        key[j] = previous
    return tuple(key)


# Draws are made and converted this many at a time: the raw 64-bit draws stay in the cache
# and only the result array is ever touched whole (10**7 doubles would otherwise also page in
# 160 MB of raw draws).
_CHUNK = 1 << 16


def _chunks(count: int):
    for start in range(0, count, _CHUNK):
        yield start, min(start + _CHUNK, count)


class MT19937Stream:
    """Seeded mt19937 draws plus the double normal sample PyTorch caches between calls.

    ``fresh`` marks a stream that was seeded and never drawn from: PyTorch stores it as
    ``left=1, next=0`` while a fully used block is ``left=1, next=624``; numpy has one position
    for both, and the flag keeps ``state_bytes`` identical to PyTorch's.
    """

    __slots__ = (
        "_bits",
        "_pending",
        "_seeded_by",
        "fresh",
        "initial_seed",
        "next_double_normal",
        "next_float_normal",
    )

    def __init__(self, seed: int) -> None:
        # numpy's MT19937 is made on the first draw: importing numpy.random takes about 15 ms,
        # which a program that draws nothing need not pay.
        self._bits = None
        # A state not yet given to _bits: a seed, or the (key, position) of a loaded state.
        self._pending: int | tuple | None = None
        self._seeded_by = None  # the seed whose untouched stream this holds, if any
        self.reseed(seed)

    def reseed(self, seed: int) -> None:
        """``seed`` is already in [0, 2**64)."""
        self.initial_seed = seed
        # A batch reseeds before every line, and most lines draw nothing, which leaves the
        # stream as this seed made it.
        if self._seeded_by != seed:
            self._pending = seed
            self._seeded_by = seed
        self.fresh = True
        self.next_double_normal: float | None = None
        self.next_float_normal: float | None = None

    def _key_and_position(self) -> tuple:
        pending = self._pending
        if pending is None:
            state = self._bits.state["state"]
            return state["key"], int(state["pos"])
        if isinstance(pending, tuple):
            return pending
        return init_genrand(pending), STATE_WORDS

    def _numpy_bits(self) -> np.random.MT19937:
        if self._bits is None:
            self._bits = np.random.MT19937(0)
        if self._pending is not None:
            key, position = self._key_and_position()
            self._bits.state = {
                "bit_generator": "MT19937",
                "state": {"key": key, "pos": position},
            }
            self._pending = None
        return self._bits

    def random32(self, count: int) -> np.ndarray:
        """``count`` 32-bit draws (``CPUGeneratorImpl::random``), as uint64 values < 2**32."""
        if count <= 0:
            return np.zeros(0, dtype=np.uint64)
        bits = self._numpy_bits()
        self.fresh = False
        self._seeded_by = None
        return bits.random_raw(count)

    def random64(self, count: int) -> np.ndarray:
        """``count`` 64-bit draws (``random64``): two 32-bit draws each, the first one high."""
        raw = self.random32(2 * count)
        return (raw[0::2] << np.uint64(32)) | raw[1::2]

    def uniform24(self, count: int) -> np.ndarray:
        """Floats in [0, 1) with 24 random bits, as ``uniform_real_distribution<float>(0, 1)``:
        each draw's low 24 bits scaled by 2**-24 (exact in a float)."""
        out = np.empty(count, np.float32)
        for start, stop in _chunks(count):
            bits = self.random32(stop - start) & np.uint64(0xFFFFFF)
            np.multiply(bits, np.float32(2.0**-24), out=out[start:stop], dtype=np.float32)
        return out

    def uniform53(self, count: int) -> np.ndarray:
        """Doubles in [0, 1) with 53 random bits, as ``uniform_real_distribution<double>``:
        ``random64() & (2**53 - 1)`` scaled by 2**-53, where ``random64`` is two draws, the
        first one high (each value below 2**53 converts exactly)."""
        out = np.empty(count, np.float64)
        for start, stop in _chunks(count):
            pairs = self.random32(2 * (stop - start)).reshape(-1, 2)
            bits = np.bitwise_and(pairs[:, 0], np.uint64((1 << 21) - 1))
            bits <<= np.uint64(32)
            bits |= pairs[:, 1]
            np.multiply(bits, 2.0**-53, out=out[start:stop])
        return out

    # ------------------------------------------------------------------ state as PyTorch bytes

    def state_bytes(self) -> np.ndarray:
        """The 5056 bytes ``torch.get_rng_state()`` would return for this stream."""
        key, position = self._key_and_position()
        record = np.zeros((), dtype=STATE_LAYOUT)
        record["the_initial_seed"] = self.initial_seed
        record["seeded"] = 1
        record["next"] = 0 if self.fresh else position
        record["left"] = 1 if self.fresh else STATE_WORDS + 1 - position
        record["state"] = key
        if self.next_double_normal is not None:
            record["normal_is_valid"] = 1
            record["normal_y"] = self.next_double_normal
        if self.next_float_normal is not None:
            record["is_next_float_normal_sample_valid"] = 1
            record["next_float_normal_sample"] = self.next_float_normal
        return np.frombuffer(record.tobytes(), dtype=np.uint8).copy()

    def load_state_bytes(self, data) -> None:
        """Restore from ``state_bytes`` output (or from PyTorch's own ``get_rng_state`` bytes)."""
        raw = np.ascontiguousarray(np.asarray(data)).reshape(-1)
        if raw.dtype != np.uint8:
            raise ValueDomainError(
                f"RNG state must be a torch.ByteTensor, got {raw.dtype}",
                hint="pass what get_rng_state() returned",
            )
        if raw.size != STATE_SIZE:
            raise ValueDomainError(
                f"Expected a CPUGeneratorImplState of size {STATE_SIZE} but found the input "
                f"RNG state size to be {raw.size}"
            )
        record = np.frombuffer(raw.tobytes(), dtype=STATE_LAYOUT)[0]
        left, following = int(record["left"]), int(record["next"])
        valid = bool(record["seeded"]) and 0 < left <= STATE_WORDS and following <= STATE_WORDS
        fresh = left == 1 and following == 0
        # PyTorch also accepts states whose left/next disagree (only hand-made bytes have them);
        # numpy's single position cannot hold those, so they are refused rather than mimicked.
        if not valid or not (fresh or left + following == STATE_WORDS + 1):
            raise ValueDomainError("Invalid mt19937 state")
        key = (record["state"] & np.uint64(0xFFFFFFFF)).tolist()
        self._pending = (key, STATE_WORDS if fresh else following)
        self._seeded_by = None
        self.fresh = fresh
        self.initial_seed = int(record["the_initial_seed"])
        self.next_double_normal = (
            float(record["normal_y"]) if int(record["normal_is_valid"]) else None
        )
        self.next_float_normal = (
            float(record["next_float_normal_sample"])
            if int(record["is_next_float_normal_sample_valid"])
            else None
        )
