"""GOV.UK error pages: 'Page not found' for missing and out-of-scope records alike; a
request too big to read (too many fields, too much text) gets a page of its own."""

from django.shortcuts import render


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
