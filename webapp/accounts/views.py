"""Browser pages of accounts: sign-up and personal API tokens. Log in/out and password change are
Django's own views (see urls.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from webapp.accounts.forms import SignupForm, TokenCreateForm
from webapp.accounts.models import ApiToken
from webapp.accounts.signup_limits import record_signup, signup_wait
from webapp.accounts.tokens import TokenLimitReached, create_token, revoke_token
from webapp.ratelimit import rate_limited_page


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if not settings.SIGNUP_OPEN:
        return render(request, "registration/signup_closed.html", status=403)
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and (wait := signup_wait(request)) is not None:
        return rate_limited_page(
            request,
            "registration/signup.html",
            {"form": form},
            "Too many new accounts from this address",
            wait,
        )
    if request.method == "POST" and form.is_valid():
        user = form.save()
        record_signup(request)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}.")
        return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """List the user's tokens; POST creates one and shows it on this response only, never again."""
    form = TokenCreateForm(request.POST or None)
    created: str | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _, created = create_token(request.user, form.cleaned_data["name"])
                form = TokenCreateForm()
            except TokenLimitReached as exc:
                form.add_error("name", str(exc))
        if created is None:
            status = 400
    context = {
        "form": form,
        "created_token": created,
        "tokens": ApiToken.objects.filter(user=request.user),
    }
    response = render(request, "accounts/tokens.html", context, status=status)
    # The page may carry a secret: keep it out of every cache.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: str) -> HttpResponse:
    # Someone else's token id is a 404, exactly like an unknown one.
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    revoke_token(token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("tokens")
