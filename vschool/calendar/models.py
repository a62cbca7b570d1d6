"""The LA's own term dates and LA-wide closures, overriding the defaults in rules."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from vschool.calendar import rules

# Academic years the LA calendar holds; the bound also keeps date arithmetic in range.
YEARS = range(2000, 2100)


def _long(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


class TermDates(models.Model):
    """One term of the LA calendar, the default for schools without their own (rules.md 3)."""

    class Term(models.TextChoices):
        AUTUMN = rules.Term.AUTUMN.value, "Autumn"
        SPRING = rules.Term.SPRING.value, "Spring"
        SUMMER = rules.Term.SUMMER.value, "Summer"

    academic_year = models.PositiveSmallIntegerField(
        help_text="The year the academic year starts, e.g. 2025 for 2025/26.",
        validators=[MinValueValidator(YEARS.start), MaxValueValidator(YEARS.stop - 1)],
    )
    term = models.CharField(max_length=6, choices=Term)
    start = models.DateField("first day")
    end = models.DateField("last day")
    half_term_start = models.DateField("first day of half-term")
    half_term_end = models.DateField("last day of half-term")

    class Meta:
        verbose_name_plural = "term dates"
        ordering = ["academic_year", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "term"], name="schoolcalendar_one_row_per_term"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_term_display()} term {rules.academic_year_label(self.academic_year)}"

    def clean(self) -> None:
        """Check the dates run in order, inside the academic year, between the year's other terms.

        Runs a query for the other terms. Skips checks on fields that already failed.
        """
        dates = [self.start, self.half_term_start, self.half_term_end, self.end]
        if self.academic_year not in YEARS or self.term not in self.Term.values or None in dates:
            return
        if self.end < self.start:
            raise ValidationError(
                {"end": "The last day of term must be on or after the first day."}
            )
        if not self.start < self.half_term_start <= self.half_term_end < self.end:
            raise ValidationError(
                {"half_term_start": "Half-term must fall inside the term, ending before it ends."}
            )
        first, last = rules.academic_year_bounds(self.academic_year)
        if self.start < first or self.end > last:
            raise ValidationError(
                {
                    "start": f"The term must fall within {_long(first)} to {_long(last)}, "
                    f"the academic year {rules.academic_year_label(self.academic_year)}."
                }
            )
        order = list(self.Term)
        for other in TermDates.objects.filter(academic_year=self.academic_year).exclude(pk=self.pk):
            before = order.index(other.term) < order.index(self.term)
            if before and other.end >= self.start:
                raise ValidationError(
                    {
                        "start": f"The term must start after the {other.get_term_display()} term "
                        f"ends on {_long(other.end)}."
                    }
                )
            if not before and other.start <= self.end:
                raise ValidationError(
                    {
                        "end": f"The term must end before the {other.get_term_display()} term "
                        f"starts on {_long(other.start)}."
                    }
                )


class SchoolClosure(models.Model):
    """A day LA-maintained schools are closed to pupils: INSET or a planned closure."""

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=200)
    academic_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Filled in from the date when left blank."
    )

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{_long(self.date)}: {self.reason}"

    def clean(self) -> None:
        """Fill in the academic year from the date, refusing one that does not contain it."""
        if self.date is None:
            return
        year = rules.academic_year_start(self.date)
        if self.academic_year is None:
            self.academic_year = year
        elif self.academic_year != year:
            raise ValidationError(
                {
                    "academic_year": f"{_long(self.date)} is in the academic year "
                    f"{rules.academic_year_label(year)}."
                }
            )
