from django import template

from vschool.funding import rules

register = template.Library()


@register.filter
def pounds(amount_pence):
    """Pence as "£1,234.50" (rules.pounds); blank for None."""
    return rules.pounds(amount_pence)
