"""The clinic server's URLs: sign-in, the patient check-in link, and the JSON API."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from alliance.web.api import api

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/", api.urls),
]
