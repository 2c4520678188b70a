"""The clinic application: its models, migrations and audit receivers."""

from __future__ import annotations

from django.apps import AppConfig


class ClinicConfig(AppConfig):
    """Registers the models under the label ``clinic``, connects the login audit and lets the
    instrument library find the clinic's installed instruments."""

    name = "alliance.web"
    label = "clinic"
    verbose_name = "Alliance clinic"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from alliance.interop.installed_instruments import register
        from alliance.web import login_audit  # noqa: F401  (connects the receivers)

        register()
