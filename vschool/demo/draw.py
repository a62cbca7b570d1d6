"""Small helpers for drawing values from the demo's one seeded random generator."""

import random
from datetime import date, timedelta


def weighted(rng: random.Random, pairs) -> str:
    """Return one value from (value, weight) pairs."""
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def day_between(rng: random.Random, first: date, last: date) -> date:
    """Return a day from `first` to `last` inclusive (`first` when the range is empty)."""
    return first + timedelta(days=rng.randint(0, max((last - first).days, 0)))


def split_by_shares(total: int, shares: dict) -> dict:
    """Split `total` by `shares`, rounding by largest remainder so the parts add up exactly."""
    exact = {key: total * share for key, share in shares.items()}
    counts = {key: int(value) for key, value in exact.items()}
    by_remainder = sorted(exact, key=lambda key: exact[key] - counts[key], reverse=True)
    for key in by_remainder[: total - sum(counts.values())]:
        counts[key] += 1
    return counts
