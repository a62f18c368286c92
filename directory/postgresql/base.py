"""Django's PostgreSQL backend, with a health check that costs no round trip.

With CONN_HEALTH_CHECKS, Django sends `SELECT 1` before the first query of every request that
reuses a connection: on a cached page that was one query in three. A connection the server has
ended (a restart, an administrator, an idle timeout) has something to read, the server's last
message or the end of the stream, while a healthy idle one has nothing. So the check looks at the
socket instead: anything there, and the connection is closed and the request opens a new one. A
query that fails for another reason still closes the connection at the end of its request
(Django's own check after errors, which does ask the server).
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self) -> None:
        if self.pool or self.connection is None or not self.health_check_enabled or self.health_check_done:
            return  # a pool (OPTIONS "pool") checks its connections itself
        if not self._idle_and_quiet():
            self.close()
        self.health_check_done = True

    def _idle_and_quiet(self) -> bool:
        """Whether the connection is open with nothing from the server waiting to be read."""
        pgconn = self.connection.pgconn
        if self.connection.closed or pgconn.status != pq.ConnStatus.OK:
            return False
        waiting, _, _ = select.select([pgconn.socket], [], [], 0)
        return not waiting
