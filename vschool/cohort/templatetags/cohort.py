"""Template filters for cohort codes."""

from django import template

from vschool.cohort.presenters import la_name

register = template.Library()
register.filter("la_name", la_name)
