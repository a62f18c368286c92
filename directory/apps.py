from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    """The project package as an app, for the site-wide services' system checks and signals."""

    name = "directory"
    verbose_name = "Directory"

    def ready(self) -> None:
        from directory import checks, outbox  # noqa: F401 - registers the checks and the outbox's signals
