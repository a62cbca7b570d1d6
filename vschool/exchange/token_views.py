"""Issue, list and revoke the attendance API's tokens (docs/api.md): head, deputy and
data officer, as for the imports."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from vschool.exchange.api import MAX_MARKS
from vschool.exchange.forms import FeedTokenForm
from vschool.exchange.selectors import feed_token_get, feed_tokens_all
from vschool.exchange.tokens import token_issue, token_revoke
from vschool.exchange.views import _require_importer


def tokens(request):
    """The tokens issued, live and revoked, with when each was last used."""
    _require_importer(request.user)
    return render(
        request, "exchange/tokens.html", {"tokens": feed_tokens_all(), "max_marks": MAX_MARKS}
    )


@require_http_methods(["GET", "POST"])
def token_new(request):
    """Issue a token; the page that answers shows it once, and it is never shown again."""
    _require_importer(request.user)
    form = FeedTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, secret = token_issue(
            name=form.cleaned_data["name"],
            urns=form.cleaned_data["urns"],
            user=request.user,
            request=request,
        )
        return render(request, "exchange/token_issued.html", {"token": token, "secret": secret})
    return render(request, "exchange/token_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def token_revoke_confirm(request, pk: int):
    """Ask, then revoke: the sender's requests are refused from then on."""
    _require_importer(request.user)
    token = feed_token_get(pk)
    if request.method == "POST":
        if not token.revoked:
            token_revoke(token, user=request.user, request=request)
            messages.success(request, f"The token for {token.name} is revoked.")
        return redirect("exchange:tokens")
    return render(request, "exchange/token_revoke.html", {"token": token})
