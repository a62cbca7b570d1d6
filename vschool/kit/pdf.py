"""The one PDF renderer: a Django template through WeasyPrint, as a tagged A4 PDF.

Each template carries its own print CSS (`@page` and the rest). Only `file:` and `data:`
URLs are fetched, so rendering never touches the network; relative URLs resolve against
the project's static files.
"""

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render `template_name` with `context` and return the PDF's bytes."""
    from weasyprint import HTML  # imported here: it loads Pango, which only PDFs need
    from weasyprint.urls import URLFetcher

    html = render_to_string(template_name, context)
    base_url = str(settings.BASE_DIR / "vschool" / "static") + "/"
    fetcher = URLFetcher(allowed_protocols={"file", "data"})
    # PDF/UA: a tagged PDF (headings, tables and reading order) that screen readers can use.
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
        pdf_variant="pdf/ua-1"
    )
