"""The staff forms for care: a new patient, an episode, a visit date, an acknowledgement."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PatientForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=200)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False)
    record_number = forms.CharField(label=_("Record number"), max_length=64, required=False)
    contact = forms.CharField(label=_("Phone or e-mail"), max_length=200, required=False)


class EpisodeForm(forms.Form):
    condition = forms.CharField(max_length=100)
    body_region = forms.CharField(max_length=50)
    setting = forms.CharField(max_length=50)
    start_date = forms.DateField()
    planned_visits = forms.IntegerField(min_value=1, max_value=200, required=False)
    protocol = forms.IntegerField(required=False)


class VisitForm(forms.Form):
    date = forms.DateField()


class DischargeForm(forms.Form):
    end_date = forms.DateField()
    reason = forms.CharField(max_length=100)


class AcknowledgeForm(forms.Form):
    action_taken = forms.CharField(max_length=1000)
