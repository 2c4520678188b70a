"""What exports and imports keep: the clinic's pseudonym key and where imported records went.

``ClinicKey`` is the secret a research export's keyed hash uses (``interop.deidentify``): one
per clinic, made with the clinic, held in the database and never shown, so the same patient
gets the same pseudonym in every export of that clinic and nobody without the key can join
an export back to the clinic's records. ``ImportedKey`` remembers which local patient or
episode an identifier from another system's Bundle became, so importing it again adds nothing.
"""

from __future__ import annotations

import secrets

from django.db import models

from alliance.web.models.care import Episode
from alliance.web.models.clinic import Clinic
from alliance.web.models.patient import Patient

KEY_BYTES = 32


def new_key() -> str:
    """A fresh random key: 32 bytes as hex."""
    return secrets.token_hex(KEY_BYTES)


class ClinicKey(models.Model):
    """A clinic's secret pseudonym key; ``__repr__`` and ``__str__`` never show it."""

    clinic = models.OneToOneField(Clinic, on_delete=models.PROTECT, related_name="key")
    secret = models.CharField(max_length=64, default=new_key, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"pseudonym key of clinic {self.clinic_id}"

    def __repr__(self) -> str:
        return f"<ClinicKey clinic={self.clinic_id}>"

    @property
    def key_bytes(self) -> bytes:
        """The key as the keyed hash takes it."""
        return bytes.fromhex(self.secret)


class ImportedKey(models.Model):
    """An identifier from an imported Bundle (``source`` system, ``kind``, ``value``) and the
    patient or episode of this clinic it became."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=64)
    kind = models.CharField(max_length=16)
    value = models.CharField(max_length=64)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, null=True, related_name="+")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "source", "kind", "value"], name="one_local_record_per_key"
            )
        ]
