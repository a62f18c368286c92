"""Django's database cache, with an increment that counts every attempt and keeps the entry's expiry."""

import base64
import pickle

from django.core.cache.backends import db
from django.db import connections, router, transaction
from django.utils import timezone


class DatabaseCache(db.DatabaseCache):
    """Django's own increment reads, then writes: two requests at once count once, and the write gives
    the entry the default timeout (5 minutes), so an hour-long rate-limit window ended early. Here the
    row is locked while it is counted, and its expiry stays as `add` set it."""

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        database = router.db_for_write(self.cache_model_class)
        connection = connections[database]
        table = connection.ops.quote_name(self._table)
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT value FROM {table} WHERE cache_key = %s AND expires >= %s FOR UPDATE",  # noqa: S608 - the table is our own setting
                [key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found.")
            value = pickle.loads(base64.b64decode(row[0].encode())) + delta  # noqa: S301 - written by this cache
            cursor.execute(
                f"UPDATE {table} SET value = %s WHERE cache_key = %s",  # noqa: S608 - the table is our own setting
                [base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1"), key],
            )
        return value
