"""Django's createcachetable, then the tables of caches with `UNLOGGED` in their OPTIONS made unlogged."""

from django.conf import settings
from django.core.management.commands import createcachetable
from django.db import connections


class Command(createcachetable.Command):
    """PostgreSQL writes no WAL for an unlogged table, so storing a page waits for no disk flush
    (before, every new search flushed its page). A crash empties the table and a standby cannot
    read it: right for pages and cards, which are rebuilt on demand, wrong for security state.
    Run again (as every release does), it converts tables made before; that rewrites the table."""

    def create_table(self, database, tablename, dry_run):
        super().create_table(database, tablename, dry_run)
        if dry_run or tablename not in unlogged_tables():
            return
        with connections[database].cursor() as cursor:
            cursor.execute("SELECT relpersistence FROM pg_class WHERE oid = to_regclass(%s)", [tablename])
            row = cursor.fetchone()
            if row and row[0] == "p":
                cursor.execute(f"ALTER TABLE {connections[database].ops.quote_name(tablename)} SET UNLOGGED")


def unlogged_tables() -> set[str]:
    return {
        cache["LOCATION"]
        for cache in settings.CACHES.values()
        if cache.get("OPTIONS", {}).get("UNLOGGED") and cache["BACKEND"].endswith("DatabaseCache")
    }
