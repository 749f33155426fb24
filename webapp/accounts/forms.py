from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm

from webapp.accounts.usernames import check_username


class SignupForm(UserCreationForm):
    # The default UserCreationForm has a username and two password fields (and refuses a name
    # that differs from an existing one in case only); look-alikes are refused too.

    def clean_username(self) -> str:
        username = super().clean_username()  # None when it has refused the name already
        if username:
            check_username(username)
        return username


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        max_length=100, strip=True, help_text="What the token is for, e.g. 'laptop script'."
    )
