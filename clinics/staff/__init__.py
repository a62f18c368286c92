"""The clinic staff side: what members of a clinic do with their listing, under /dashboard/ and /manage/.

Each flow has its views in `views/<flow>.py` and, where a write spans several models or sends
mail, its services in `services/<flow>.py`:

- dashboard: the member's clinics, one clinic's page (views/dashboard.py)
- listings: editing a listing, adding a new clinic, pending changes (views/ and services/listings.py)
- claims: finding a published listing and asking to manage it (views/ and services/claims.py)
- members: inviting colleagues, removing members (views/ and services/members.py)
- reminders: the e-mails asking members to confirm their facts (views/ and services/reminders.py)
- inbox: patients' inquiries as the clinic sees them (views/inbox.py)

`changes.py` turns a listing into plain JSON snapshots and compares them: the moderation of
edits (here and in the admin) works on those. `accounts.py` sends the e-mails of staff accounts
(django-allauth) through the outbox. `urls.py` maps all of it under the "owner" namespace.
"""
