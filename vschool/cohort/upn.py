"""The DfE unique pupil number (UPN) and its check letter."""

import re

# The check letter alphabet: 23 letters, omitting I, O and S.
_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN = re.compile(r"^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$")


def upn_check_letter(last_twelve: str) -> str:
    """Return the check letter for the 12 characters after it (DfE UPN guidance, annex A).

    Multiply character n (2 to 13) by its position and sum; the remainder on division
    by 23 indexes the check-letter alphabet. A temporary UPN's final letter counts as
    its position in the alphabet minus one.
    """
    total = 0
    for position, char in enumerate(last_twelve, start=2):
        if char.isdigit():
            value = int(char)
        else:
            value = _CHECK_LETTERS.index(char)
        total += value * position
    return _CHECK_LETTERS[total % 23]


def upn_problem(upn: str) -> str | None:
    """Return why `upn` is not a valid UPN, or None when it is."""
    if len(upn) != 13:
        return "A UPN must be 13 characters long"
    if not _UPN.match(upn):
        return "A UPN must be a check letter, 11 digits and a final digit or letter"
    if upn_check_letter(upn[1:]) != upn[0]:
        return "The UPN check letter does not match the rest of the number"
    return None
