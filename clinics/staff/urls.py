"""URLs for clinic staff, all under /dashboard/ and /manage/ so they never meet the search URLs."""

from django.urls import path

from clinics.views import inbox
from clinics.views import owner as views

app_name = "owner"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("manage/inquiries/", inbox.inquiry_list, name="inquiries"),
    path("manage/inquiries/<int:pk>/mark/", inbox.inquiry_mark, name="inquiry_mark"),
    path("manage/new-clinic/", views.clinic_submit, name="clinic_submit"),
    path("manage/find-clinic/", views.clinic_find, name="clinic_find"),
    path("manage/claims/confirm/<str:token>/", views.claim_confirm, name="claim_confirm"),
    path("manage/invitations/<str:token>/", views.invitation_accept, name="invitation"),
    path("manage/still-right/<str:token>/", views.reminder_confirm, name="reminder_confirm"),
    path("manage/clinics/<slug:slug>/", views.clinic_manage, name="clinic"),
    path("manage/clinics/<slug:slug>/edit/", views.clinic_edit, name="clinic_edit"),
    path("manage/clinics/<slug:slug>/claim/", views.claim_start, name="claim"),
    path("manage/clinics/<slug:slug>/claim/resend/", views.claim_resend, name="claim_resend"),
    path("manage/clinics/<slug:slug>/confirm/", views.clinic_confirm, name="clinic_confirm"),
    path("manage/clinics/<slug:slug>/reminders/", views.reminder_settings, name="reminder_settings"),
    path("manage/clinics/<slug:slug>/changes/<int:pk>/", views.change_detail, name="change_detail"),
    path("manage/clinics/<slug:slug>/changes/<int:pk>/withdraw/", views.change_withdraw, name="change_withdraw"),
    path("manage/clinics/<slug:slug>/members/invite/", views.member_invite, name="member_invite"),
    path("manage/clinics/<slug:slug>/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("manage/clinics/<slug:slug>/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
]
