"""The admin's forms: a new account, a role change, a protocol, a wording file."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.web.models import Role


class NewUserForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Role.choices)
    password = forms.CharField(min_length=12, max_length=200)


class RoleForm(forms.Form):
    user = forms.IntegerField()
    role = forms.ChoiceField(choices=Role.choices)
    active = forms.BooleanField(required=False)


class ProtocolForm(forms.Form):
    """``schedule`` is one line per instrument: ``odi: 1, 6, 12`` or ``checkin`` (every visit)."""

    name = forms.CharField(max_length=200)
    schedule = forms.CharField(max_length=4000)

    def clean_schedule(self) -> list[dict[str, object]]:
        entries: list[dict[str, object]] = []
        for line in str(self.cleaned_data["schedule"]).splitlines():
            if not line.strip():
                continue
            instrument, _sep, visits = line.partition(":")
            try:
                numbers = [int(v) for v in visits.replace(";", ",").split(",") if v.strip()]
            except ValueError:
                raise forms.ValidationError(_("Visits must be whole numbers.")) from None
            entries.append({"instrument": instrument.strip(), "visits": numbers})
        return entries

    def schedule_entries(self) -> list[dict[str, object]]:
        """The cleaned schedule."""
        return list(self.cleaned_data["schedule"])


class WordingForm(forms.Form):
    instrument = forms.CharField(max_length=64)
    file = forms.FileField()
