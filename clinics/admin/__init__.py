"""The clinics app in the admin, one module per kind of work; importing them registers every screen."""

from clinics.admin import imports, listings, people, review

__all__ = ["imports", "listings", "people", "review"]
