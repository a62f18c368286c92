from django.urls import path, re_path

from clinics.views import landing, public, search

app_name = "clinics"
urlpatterns = [
    path("", search.clinic_search, name="list"),
    # Exactly two letters name a state, never a clinic: a database constraint keeps clinic slugs longer.
    re_path(r"^(?P<state>[A-Za-z]{2})/$", landing.state_clinics, name="state"),
    re_path(r"^(?P<state>[A-Za-z]{2})/(?P<city>[-a-z0-9_]+)/$", landing.city_clinics, name="city"),
    path("<slug:slug>/", public.clinic_detail, name="detail"),
]
