"""Pages for clinic staff, one module per flow.

Access is part of every query: a clinic comes from `Clinic.objects.editable_by(request.user)`
(or `owned_by` for managing members and invitations), so a user who is not a member gets 404,
on GET and POST.
"""
