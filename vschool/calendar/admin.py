from django.contrib import admin

from vschool.calendar.models import SchoolClosure, TermDates


@admin.register(TermDates)
class TermDatesAdmin(admin.ModelAdmin):
    list_display = ["academic_year", "term", "start", "half_term_start", "half_term_end", "end"]
    list_filter = ["academic_year", "term"]


@admin.register(SchoolClosure)
class SchoolClosureAdmin(admin.ModelAdmin):
    list_display = ["date", "reason", "academic_year"]
    list_filter = ["academic_year"]
