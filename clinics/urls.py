from django.urls import path, re_path

from clinics.views import compare, contact, landing, public, search

app_name = "clinics"
urlpatterns = [
    path("", search.clinic_search, name="list"),
    path("compare/", compare.compare, name="compare"),
    path("compare/tray/", compare.compare_tray, name="compare_tray"),
    # Exactly two letters name a state, never a clinic: a database constraint keeps clinic slugs longer.
    re_path(r"^(?P<state>[A-Za-z]{2})/$", landing.state_clinics, name="state"),
    re_path(r"^(?P<state>[A-Za-z]{2})/(?P<city>[-a-z0-9_]+)/$", landing.city_clinics, name="city"),
    path("<slug:slug>/", public.clinic_detail, name="detail"),
    path("<slug:slug>/inquiry/", contact.inquiry_new, name="inquiry"),
    path("<slug:slug>/inquiry/sent/", contact.inquiry_sent, name="inquiry_sent"),
    path("<slug:slug>/report/", contact.report_new, name="report"),
]
