import pytest

from vschool.cohort.models import validate_upn
from vschool.cohort.upn import upn_check_letter, upn_problem


@pytest.mark.parametrize("upn", ["Y816320923290", "Z816480314860", "C816288525250"])
def test_it_accepts_upns_with_the_right_check_letter(upn):
    assert upn_problem(upn) is None


@pytest.mark.parametrize(
    ("upn", "reason"),
    [
        ("A816320923290", "check letter does not match"),
        ("Y81632092329", "13 characters"),
        ("I816320923290", "a check letter, 11 digits"),
        ("Y8163209232S0", "a check letter, 11 digits"),
    ],
)
def test_it_rejects_a_upn_and_says_why(upn, reason):
    assert reason in upn_problem(upn)


def test_a_temporary_upn_ending_in_a_letter_has_a_check_letter():
    """DfE UPN guidance: a letter in position 13 counts as its place in the alphabet."""
    body = "81632092329A"
    assert upn_problem(upn_check_letter(body) + body) is None


@pytest.mark.parametrize("code", ["UN1", "UN2", "UN10"])
def test_ssda903_upn_unknown_codes_are_accepted(code):
    validate_upn(code)
