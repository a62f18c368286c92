"""Django's database cache, with a one-statement set, compressed values, a cull of the entries nearest to
expiring, and an increment that counts every attempt."""

import base64
import pickle
import zlib
from collections import Counter
from datetime import UTC, datetime
from typing import ClassVar

from django.core.cache.backends import db
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.db import connections, router, transaction
from django.utils import timezone

# How many entries a process sets between two looks at the table's size (Django's own set counts
# every row before every write): a hundredth of MAX_ENTRIES, and at least this many. The table can
# outgrow MAX_ENTRIES by that many sets per process. Counting the card cache's 100,000 rows takes
# about 14 ms, too long to do every 50 cards.
CULL_CHECK_AT_LEAST_EVERY = 50
# Values that pickle to more than this are stored compressed. A cached search page is 30 to 60 KiB of
# HTML; PostgreSQL's own compression of it took most of the 4 ms its set cost, zlib's fastest level
# takes 0.2 ms and leaves a seventh of it to store and read back.
COMPRESS_FROM = 1024


class Compressed(bytes):
    """A value as `set` stores it once pickled and compressed; `get_many` gives back the value."""


class DatabaseCache(db.DatabaseCache):
    """Django's own set counts the table's rows, then looks the key up and writes it inside a
    transaction: five round trips for every new search page cached. Here it is one upsert (one for
    all the entries of a set_many), and the rows are counted (and culled past MAX_ENTRIES, as Django
    does) once every `cull_check_every` entries set.

    Django's own increment reads, then writes: two requests at once count once, and the write gives
    the entry the default timeout (5 minutes), so an hour-long rate-limit window ended early. Here the
    row is locked while it is counted, and its expiry stays as `add` set it."""

    # Sets since the table's size was last looked at, by table. On the class: Django makes a cache
    # object per thread, and a count per thread would never reach the limit under runserver, which
    # serves each request in a thread of its own. Threads may miscount by a few; that is harmless.
    sets_since_cull_check: ClassVar[Counter[str]] = Counter()

    @property
    def cull_check_every(self) -> int:
        return max(CULL_CHECK_AT_LEAST_EVERY, self._max_entries // 100)

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

    def get_many(self, keys, version=None):
        found = super().get_many(keys, version=version)
        return {
            key: pickle.loads(zlib.decompress(value)) if isinstance(value, Compressed) else value  # noqa: S301 - written by this cache
            for key, value in found.items()
        }

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.set_many({key: value}, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """Every entry in one upsert (Django's own set_many calls set once per entry)."""
        if not data:
            return []
        timeout = self.get_backend_timeout(timeout)
        expires = datetime.max.replace(tzinfo=UTC) if timeout is None else datetime.fromtimestamp(timeout, tz=UTC)
        database = router.db_for_write(self.cache_model_class)
        connection = connections[database]
        table = connection.ops.quote_name(self._table)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        # In key order: two statements writing some of the same keys in different orders could deadlock.
        rows = sorted(
            (self.make_and_validate_key(key, version=version), base64.b64encode(self._pickled(value)).decode("latin1"))
            for key, value in data.items()
        )
        with connection.cursor() as cursor:
            self.sets_since_cull_check[self._table] += len(rows)
            if self.sets_since_cull_check[self._table] >= self.cull_check_every:
                self.sets_since_cull_check[self._table] = 0
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - the table is our own setting
                count = cursor.fetchone()[0]
                if count > self._max_entries:
                    self._cull(database, cursor, timezone.now().replace(microsecond=0), count)
            cursor.execute(
                f"INSERT INTO {table} (cache_key, value, expires) VALUES "  # noqa: S608 - as above
                + ", ".join(["(%s, %s, %s)"] * len(rows))
                + " ON CONFLICT (cache_key) DO UPDATE SET value = EXCLUDED.value, expires = EXCLUDED.expires",
                [part for key, value in rows for part in (key, value, expires)],
            )
        return []

    def _cull(self, db, cursor, now, num):
        """Django's cull deletes the expired entries, then a third of the rest in key order: for
        hashed keys, at random. Here the third nearest to expiring goes, the oldest written of
        entries kept as long: the cards of earlier releases before the current release's."""
        if self._cull_frequency == 0:
            self.clear()
            return
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        cursor.execute(
            f"DELETE FROM {table} WHERE expires < %s",  # noqa: S608 - the table is our own setting
            [connection.ops.adapt_datetimefield_value(now)],
        )
        remaining = num - cursor.rowcount
        if remaining > self._max_entries:
            cursor.execute(
                f"DELETE FROM {table} WHERE cache_key IN "  # noqa: S608 - as above
                f"(SELECT cache_key FROM {table} ORDER BY expires LIMIT %s)",
                [remaining // self._cull_frequency],
            )

    def _pickled(self, value) -> bytes:
        pickled = pickle.dumps(value, self.pickle_protocol)
        if len(pickled) > COMPRESS_FROM:
            return pickle.dumps(Compressed(zlib.compress(pickled, 1)), self.pickle_protocol)
        return pickled
