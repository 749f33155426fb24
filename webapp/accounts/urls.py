"""Browser account pages: sign up, log in, log out, password change, API tokens."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.decorators.http import require_http_methods

from webapp.accounts import views
from webapp.accounts.login_limits import login_rate_limited

# Django's form views also accept PUT (as POST); nothing here needs it.
get_or_post = require_http_methods(["GET", "HEAD", "POST"])

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path(
        "login/",
        get_or_post(
            login_rate_limited(auth_views.LoginView.as_view(redirect_authenticated_user=True))
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", get_or_post(auth_views.PasswordChangeView.as_view()), name="password_change"),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<str:token_id>/revoke/", views.revoke, name="token-revoke"),
]
