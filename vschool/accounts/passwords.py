"""Refuse passwords that are easy to guess, judged by zxcvbn's strength estimate.

Django's validators check length and a list of common passwords; neither refuses
`123456789012` or `aaaaaaaaaaaa`. zxcvbn (Dropbox's estimator, in its maintained Python
port) scores a password by how it would be guessed: sequences, repeats, keyboard runs,
dictionary words, dates and the user's own details.
"""

from django.core.exceptions import ValidationError
from zxcvbn import zxcvbn

# zxcvbn refuses longer input to bound its run time; a longer password is judged by its start.
_LONGEST_JUDGED = 72
TOO_EASY = "Your password is too easy to guess. Use 3 or more random words, or a longer password"


class StrengthValidator:
    """Refuse a password zxcvbn scores below `min_score` (0 to 4; 3 resists offline guessing)."""

    def __init__(self, min_score: int = 3):
        self.min_score = min_score

    def validate(self, password: str, user=None) -> None:
        details = [
            str(getattr(user, name, "") or "")
            for name in ("username", "first_name", "last_name", "email")
        ]
        result = zxcvbn(password[:_LONGEST_JUDGED], user_inputs=[d for d in details if d])
        if result["score"] < self.min_score:
            raise ValidationError(TOO_EASY, code="password_too_easy")

    def get_help_text(self) -> str:
        return "Your password must be hard to guess: 3 or more random words work well."
