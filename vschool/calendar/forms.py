"""The form for one term's dates."""

from vschool.kit.forms import GovukDateField, GovukForm


class TermDatesForm(GovukForm):
    start = GovukDateField(label="First day of term")
    half_term_start = GovukDateField(label="First day of half term")
    half_term_end = GovukDateField(label="Last day of half term")
    end = GovukDateField(label="Last day of term")
