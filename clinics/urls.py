from django.urls import path

from clinics.views import compare, contact
from clinics.views import public as views

app_name = "clinics"
urlpatterns = [
    path("", views.clinic_list, name="list"),
    path("compare/", compare.compare, name="compare"),
    path("<slug:slug>/", views.clinic_detail, name="detail"),
    path("<slug:slug>/inquiry/", contact.inquiry_new, name="inquiry"),
    path("<slug:slug>/inquiry/sent/", contact.inquiry_sent, name="inquiry_sent"),
    path("<slug:slug>/report/", contact.report_new, name="report"),
]
