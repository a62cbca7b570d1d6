"""The GOV.UK pagination component's links, built once for every paginated list."""

from django.core.paginator import Page, Paginator
from django.http import QueryDict


def pagination(page: Page, params: QueryDict) -> dict:
    """Build the GOV.UK pagination component's links, keeping the filters in each one."""

    def href(number: int) -> str:
        query = params.copy()
        query["page"] = str(number)
        return f"?{query.urlencode()}"

    items = [
        {"ellipsis": True}
        if number == Paginator.ELLIPSIS
        else {"number": number, "href": href(number), "current": number == page.number}
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    ]
    return {
        "items": items,
        "previous": href(page.previous_page_number()) if page.has_previous() else "",
        "next": href(page.next_page_number()) if page.has_next() else "",
    }


def page_extent(page: Page, noun: str) -> str:
    """ "children 1 to 50 of 600": which rows of a list a page shows, for the audit log."""
    if not page.paginator.count:
        return f"no {noun}"
    return f"{noun} {page.start_index()} to {page.end_index()} of {page.paginator.count}"
