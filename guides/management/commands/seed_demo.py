"""Make plainly fictional demo clinics over real US places, the starter guides, and a demo editor account.

It lives in the guides app because it seeds guides too: guides may use clinics, never the other way.
The clinics themselves are made by clinics/management/demo_data.py.
"""

import secrets

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from clinics.management.demo_data import DemoData
from clinics.models import Clinic, Place
from directory.caching import listings_changed, one_version_for_many_changes
from guides.starter_guides import create_starter_guides

DEMO_EDITOR_EMAIL = "editor@example.com"


class Command(BaseCommand):
    help = "Create fictional demo clinics (deterministic for a given --seed) and a demo editor account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clinics", type=int, default=60, help="How many clinics to make (default 60).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed makes the same data.")
        parser.add_argument("--replace", action="store_true", help="Delete every existing clinic first.")

    def handle(self, *args, clinics: int, seed: int, replace: bool, **options) -> None:
        if not 1 <= clinics <= 200_000:
            raise CommandError("--clinics must be between 1 and 200000.")
        if not Place.objects.exists():
            raise CommandError("No places loaded yet: run `manage.py load_places` first.")
        if Clinic.objects.exists() and not replace:
            self.stdout.write("Clinics already exist; nothing made (use --replace to start over).")
        else:
            with one_version_for_many_changes(), transaction.atomic():
                if replace:
                    Clinic.objects.all().delete()
                made = DemoData(seed).create(clinics)
                listings_changed()  # bulk_create sends no signals
            self.stdout.write(f"{made} demo clinics created.")
        self.stdout.write(f"{create_starter_guides()} starter guides published.")
        self._ensure_editor()

    def _ensure_editor(self) -> None:
        """A staff member in the Editors group (not a superuser, so the demo shows an editor's real
        permissions), with a fresh random password - never a fixed one.

        Editors sign in at /accounts/login/ by e-mail like everyone, so the address is verified.
        """
        user_model = get_user_model()
        editor = user_model.objects.filter(username="editor").first()
        if editor:
            message = f"Demo editor account {editor.email} exists (manage.py changepassword editor to reset)."
        else:
            password = secrets.token_urlsafe(12)
            editor = user_model.objects.create_user("editor", DEMO_EDITOR_EMAIL, password, is_staff=True)
            message = f"Demo editor account: {DEMO_EDITOR_EMAIL}, password '{password}' (sign in at /admin/)."
        editor.groups.add(Group.objects.get(name="Editors"))
        EmailAddress.objects.get_or_create(
            user=editor, email=editor.email, defaults={"verified": True, "primary": True}
        )
        self.stdout.write(message)
