"""Whole numbers read from request text — URL paths, query strings, form fields — are
ASCII digits and nothing else.

Python's `int()` also reads "٣" (Arabic-Indic three), "３" (full-width), " 3 ", "+3" and
"3_000", and werkzeug's `int` converter matches `\\d`, which is any Unicode digit: so
`/api/v1/events/%D9%A3` was event 3, and could be changed. One number has one spelling
here. The length is bounded before `int()` runs: a 5,000-digit value is refused on
sight rather than reaching `int()`'s own digit limit (a ValueError nobody expected).
"""

from __future__ import annotations

import re

from werkzeug.routing import IntegerConverter

MAX_DIGITS = 19  # enough for any 64-bit integer; ids stop far sooner (models.base.MAX_ID)

_UNSIGNED = re.compile(f"[0-9]{{1,{MAX_DIGITS}}}")
_SIGNED = re.compile(f"-?[0-9]{{1,{MAX_DIGITS}}}")


def whole_number(text: str, *, signed: bool = False) -> int:
    """`text` as an int when it is ASCII digits (with a leading `-` if `signed`), else
    ValueError — so it also serves as a `type=` for werkzeug's `args.get`."""
    if not isinstance(text, str) or not (_SIGNED if signed else _UNSIGNED).fullmatch(text):
        raise ValueError(f"not a whole number: {text!r}")
    return int(text)


class IntConverter(IntegerConverter):
    """The `int` URL converter, ASCII digits only: `/events/٣` is no route (404)."""

    regex = f"[0-9]{{1,{MAX_DIGITS}}}"  # the signed form prefixes `-?` to it
