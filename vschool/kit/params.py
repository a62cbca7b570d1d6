"""Whole numbers from query strings and hidden fields: ids, versions, officers.

They come from anyone, so each is read here and held to what the database can hold:
text that is not plain digits, or a number past PostgreSQL's `integer`, is no number.
"""

import re

# The largest value of a PostgreSQL `integer` column (ids and versions).
INT_MAX = 2**31 - 1

_DIGITS = re.compile(r"[0-9]{1,10}")


def int_param(value: object) -> int | None:
    """The whole number from 0 to INT_MAX that `value` spells in ASCII digits, else None.

    "²", "٣", "-1", "1e3", " 7 " and 10**21 are None: a caller treats them as no value
    given (a filter not applied, a version that matches nothing), never as a crash.
    """
    text = value if isinstance(value, str) else ""
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if number <= INT_MAX else None
