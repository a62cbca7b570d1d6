"""The reports' tests name years (2024-25, 2025/26), and a report offers only its latest
YEARS_BACK years: they run on a fixed day, so they keep passing as years go by. A test that
needs another day moves there itself."""

from datetime import date

import pytest


@pytest.fixture(autouse=True)
def reports_day(time_machine):
    time_machine.move_to(date(2026, 12, 4))
