"""Two real transactions at once, for the row-lock tests on PostgreSQL (marker `postgres_row_locks`).

Each `Session` runs its work in a thread with its own database connection, inside one transaction. With
`hold=True` the transaction stays open after the work (its row locks held) until `release()`. `blocked_by(a, b)`
asks PostgreSQL whether session `a` is waiting for a lock that `b` holds (pg_blocking_pids): proof that the second
writer waits, not a timing guess.

SQLite has no row locks (SELECT … FOR UPDATE is ignored and a second writer gets "database is locked"), so these
tests are skipped there, with that reason; the root conftest fails a PostgreSQL run in which any of them is skipped.
"""
from __future__ import annotations

import threading
import time

from django.db import connection, transaction

WAIT_SECONDS = 20


class Session(threading.Thread):
    def __init__(self, work, *, hold=False, name="session"):
        super().__init__(name=name, daemon=True)
        self.work, self.hold = work, hold
        self.pid = None
        self.result = self.error = None
        self.connected = threading.Event()  # pid known
        self.worked = threading.Event()  # work returned or raised (the transaction may still be open)
        self._release = threading.Event()

    def run(self):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self.connected.set()
            with transaction.atomic():
                try:
                    self.result = self.work()
                finally:
                    self.worked.set()
                if self.hold:
                    self._release.wait(WAIT_SECONDS)
        except Exception as error:  # the outcome the test looks at (e.g. ConcurrentEditError)
            self.error = error
        finally:
            self.connected.set()
            self.worked.set()
            connection.close()

    def release(self):
        self._release.set()

    def finish(self):
        self.release()
        self.join(WAIT_SECONDS)
        assert not self.is_alive(), f"{self.name} did not finish"
        return self


def start(work, *, hold=False, name="session"):
    session = Session(work, hold=hold, name=name)
    session.start()
    return session


def blocked_by(waiting: Session, holder: Session, seconds: float = WAIT_SECONDS) -> bool:
    """True as soon as PostgreSQL reports `waiting` blocked by a lock of `holder`; False if that never happens
    (or `waiting` finished first)."""
    assert waiting.connected.wait(seconds) and holder.connected.wait(seconds)
    for _ in range(int(seconds / 0.02)):  # a count, not the clock: the tests may run under a frozen clock
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_blocking_pids(%s)", [waiting.pid])
            if holder.pid in cursor.fetchone()[0]:
                return True
        if waiting.worked.is_set():
            return False
        time.sleep(0.02)
    return False
