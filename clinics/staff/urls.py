"""URLs for clinic staff, all under /dashboard/ and /manage/ so they never meet the search URLs."""

from django.urls import path

from clinics.staff.views import claims, dashboard, inbox, listings, members, reminders

app_name = "owner"
urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("manage/inquiries/", inbox.inquiry_list, name="inquiries"),
    path("manage/inquiries/<int:pk>/mark/", inbox.inquiry_mark, name="inquiry_mark"),
    path("manage/new-clinic/", listings.clinic_submit, name="clinic_submit"),
    path("manage/find-clinic/", claims.clinic_find, name="clinic_find"),
    path("manage/claims/confirm/<str:token>/", claims.claim_confirm, name="claim_confirm"),
    path("manage/invitations/<str:token>/", members.invitation_accept, name="invitation"),
    path("manage/still-right/<str:token>/", reminders.reminder_confirm, name="reminder_confirm"),
    path("manage/clinics/<slug:slug>/", dashboard.clinic_manage, name="clinic"),
    path("manage/clinics/<slug:slug>/edit/", listings.clinic_edit, name="clinic_edit"),
    path("manage/clinics/<slug:slug>/claim/", claims.claim_start, name="claim"),
    path("manage/clinics/<slug:slug>/claim/resend/", claims.claim_resend, name="claim_resend"),
    path("manage/clinics/<slug:slug>/confirm/", listings.clinic_confirm, name="clinic_confirm"),
    path("manage/clinics/<slug:slug>/reminders/", reminders.reminder_settings, name="reminder_settings"),
    path("manage/clinics/<slug:slug>/changes/<int:pk>/", listings.change_detail, name="change_detail"),
    path("manage/clinics/<slug:slug>/changes/<int:pk>/withdraw/", listings.change_withdraw, name="change_withdraw"),
    path("manage/clinics/<slug:slug>/members/invite/", members.member_invite, name="member_invite"),
    path(
        "manage/clinics/<slug:slug>/invitations/<int:pk>/revoke/", members.invitation_revoke, name="invitation_revoke"
    ),
    path("manage/clinics/<slug:slug>/members/<int:pk>/remove/", members.member_remove, name="member_remove"),
]
