"""``"loss %.4f" % x`` and ``"epoch {}: {:.3f}".format(i, loss)``: Python's string formatting,
bounded and inside the sandbox.

Both are Python's own machinery with two guards. Widths and precisions are bounded
(``"%99999999d" % 1`` would allocate 100 MB), and so is the text a call produces. A
``str.format`` field reaches attributes and items only through the language's rules
(``"{0.__class__}".format(x)`` is refused as ``x.__class__`` is, ``"{0.shape}"`` works), so a
format string is no way around the sandbox.

Reference: Python's "printf-style String Formatting" and "Format String Syntax"
(https://docs.python.org/3/library/stdtypes.html#printf-style-string-formatting,
https://docs.python.org/3/library/string.html#format-string-syntax).
"""

from __future__ import annotations

import re
import string
from _string import formatter_field_name_split

import gradcalc.interpreter.text as text
from gradcalc.errors import LimitError

# %[(key)][flags][width][.precision][length]type
_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)", re.DOTALL)


def percent_format(template: str, values) -> str:
    """``template % values`` with widths and precisions bounded."""
    starred = False
    for match in _PERCENT.finditer(template):
        width, precision, _ = match.groups()
        for number in (width, precision):
            if number == "*":
                starred = True
            elif number and int(number) > text.MAX_FORMAT_WIDTH:
                raise _too_wide(int(number))
    if starred:  # '*' takes a width from the values: look at the numbers given
        for value in values if isinstance(values, tuple) else (values,):
            if type(value) is int and abs(value) > text.MAX_FORMAT_WIDTH:
                raise _too_wide(abs(value))
    result = template % values
    if len(result) > text.MAX_TEXT:
        raise _too_long()
    return result


class _Formatter(string.Formatter):
    """``string.Formatter`` whose fields go through the sandbox and whose output is bounded."""

    def __init__(self, get_attribute) -> None:
        self.size = 0
        self.get_attribute = get_attribute  # the sandbox's attribute rule (attributes.py)

    def get_value(self, key, args, kwargs):
        if isinstance(key, int) and key >= len(args):
            raise IndexError(f"Replacement index {key} out of range for positional args tuple")
        return super().get_value(key, args, kwargs)

    def get_field(self, field_name, args, kwargs):
        get_attribute = self.get_attribute
        first, rest = formatter_field_name_split(field_name)
        value = self.get_value(first, args, kwargs)
        for is_attribute, key in rest:
            value = get_attribute(value, key) if is_attribute else value[key]
        return value, first

    def convert_field(self, value, conversion):
        if conversion == "r":
            return text.show(value)
        return super().convert_field(value, conversion)

    def format_field(self, value, format_spec):
        shown = text.format_value(value, format_spec)
        self.size += len(shown)
        if self.size > text.MAX_TEXT:
            raise _too_long()
        return shown


def bound_format(template: str, get_attribute):
    """``template.format``, as the attribute of a string value; fields read attributes
    through ``get_attribute``."""

    def format(*args, **kwargs):  # noqa: A001 - the name Python's errors and repr show
        return _Formatter(get_attribute).vformat(template, args, kwargs)

    return format


def _too_wide(number: int) -> LimitError:
    return LimitError(
        f"format width or precision {number:,} is over the limit of {text.MAX_FORMAT_WIDTH:,}",
        hint="use a smaller width or precision",
    )


def _too_long() -> LimitError:
    return LimitError(
        f"formatted text longer than {text.MAX_TEXT:,} characters",
        hint="print the values themselves, or fewer of them",
    )
