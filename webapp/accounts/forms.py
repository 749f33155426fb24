from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm


class SignupForm(UserCreationForm):
    # The default UserCreationForm has a username and two password fields; that is all we need.
    pass


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        max_length=100, strip=True, help_text="What the token is for, e.g. 'laptop script'."
    )
