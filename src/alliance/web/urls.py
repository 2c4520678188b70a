"""The clinic server's URLs: sign-in, the patient check-in, the staff pages and the JSON API.

No address holds anything identifiable: patients are reached by their row number, and a
check-in by its signed token.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import views as auth_views
from django.urls import path, re_path
from django.views.i18n import set_language
from django.views.static import serve

from alliance.web.api import api
from alliance.web.views import (
    care,
    caseload,
    checkin,
    clinic,
    evidence,
    evidence_reviews,
    evidence_screening,
    home,
    manage,
    manage_exports,
    patient,
)

STATIC_DIR = Path(__file__).resolve().parent / "static"

urlpatterns = [
    # First: Django tries the patterns in order, and the API takes the patients' check-ins.
    path("api/", api.urls),
    path("", home.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", home.SignOut.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    re_path(r"^static/(?P<path>.+)$", serve, {"document_root": STATIC_DIR}, name="static"),
    path("c/<str:token>/", checkin.checkin, name="checkin"),
    path("checkin/thanks/", checkin.checkin_thanks, name="checkin_thanks"),
    path("caseload/", caseload.caseload, name="caseload"),
    path("patients/new/", care.new_patient, name="patient_new"),
    path("patients/<int:patient_id>/", patient.patient_page, name="patient"),
    path("patients/<int:patient_id>/episodes/new/", care.new_episode, name="episode_new"),
    path("patients/<int:patient_id>/shares/", care.share, name="patient_share"),
    path("episodes/<int:episode_id>/visits/new/", care.new_visit, name="visit_new"),
    path("episodes/<int:episode_id>/discharge/", care.discharge, name="episode_discharge"),
    path("visits/<int:visit_id>/attendance/", care.attendance, name="visit_attendance"),
    path("visits/<int:visit_id>/link/", care.new_link, name="link_new"),
    path("visits/<int:visit_id>/paper/", care.paper_form, name="paper_form"),
    path("alerts/<int:alert_id>/acknowledge/", care.acknowledge, name="alert_acknowledge"),
    path("clinic/", clinic.overview, name="clinic_overview"),
    path("manage/staff/", manage.staff_page, name="manage_staff"),
    path("manage/shares/", manage.shares_page, name="manage_shares"),
    path("manage/protocols/", manage.protocols_page, name="manage_protocols"),
    path("manage/wording/", manage.wording_page, name="manage_wording"),
    path("manage/audit/", manage.audit_page, name="manage_audit"),
    path("manage/exports/", manage_exports.exports_page, name="manage_exports"),
    path("evidence/", evidence.catalogue_page, name="evidence_catalogue"),
    path("evidence/measures/", evidence.measures_page, name="evidence_measures"),
    path(
        "evidence/instruments/<str:instrument_id>/",
        evidence.instrument_page,
        name="evidence_instrument",
    ),
    path("evidence/definitions/", evidence.definitions_page, name="evidence_definitions"),
    path("evidence/studies/", evidence.studies_page, name="evidence_studies"),
    path("evidence/summary/", evidence.summary_page, name="evidence_summary"),
    path("evidence/reviews/", evidence_reviews.review_list, name="review_list"),
    path("evidence/reviews/<int:review_id>/", evidence_reviews.review_detail, name="review_detail"),
    path(
        "evidence/reviews/<int:review_id>/duplicates/",
        evidence_reviews.duplicates_page,
        name="review_duplicates",
    ),
    path(
        "evidence/reviews/<int:review_id>/prisma.<str:suffix>",
        evidence_reviews.prisma_file,
        name="review_prisma",
    ),
    path("evidence/reviews/<int:review_id>/meta/", evidence_reviews.meta_page, name="review_meta"),
    path(
        "evidence/reviews/<int:review_id>/review.zip",
        evidence_reviews.review_download,
        name="review_download",
    ),
    path(
        "evidence/reviews/<int:review_id>/screen/<str:stage>/",
        evidence_screening.screen_page,
        name="review_screen",
    ),
    path(
        "evidence/reviews/<int:review_id>/conflicts/",
        evidence_screening.conflicts_page,
        name="review_conflicts",
    ),
    path(
        "evidence/reviews/<int:review_id>/charts/",
        evidence_screening.charts_page,
        name="review_charts",
    ),
    path(
        "evidence/reviews/<int:review_id>/charts/<str:record_id>/",
        evidence_screening.chart_page,
        name="review_chart",
    ),
]
