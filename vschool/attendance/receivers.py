"""The attendance app's receivers: the LA's term dates decide the summaries' term windows,
so a change to a year's term dates counts that year's summaries again."""

from vschool.attendance.summaries import refresh_year


def term_dates_changed(sender, instance, **kwargs) -> None:
    refresh_year(instance.academic_year)
