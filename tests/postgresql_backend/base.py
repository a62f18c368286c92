"""PostgreSQL as the site uses it, with a flush that deletes rows instead of truncating tables.

Every test that commits (browser tests, the live server) ends with a flush of all ~40 tables.
PostgreSQL's TRUNCATE makes new files for each table and index, which costs about 1.5 s a flush on a
busy machine; DELETE of the few rows a test leaves costs about 0.05 s. The foreign keys Django makes
are deferred to the end of the transaction the flush runs in, so the order of the tables does not
matter. Sequences are left alone, as Django's own flush does unless asked to reset them.
"""

from django.db.backends.postgresql import operations

from directory.postgresql import base


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return super().sql_flush(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
