"""Scheduled jobs that run again when they conflict with a concurrent transaction."""

import functools
import logging
import random
import time

from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

_logger = logging.getLogger(__name__)

MAX_TRIES = 5


def run_again_on_conflict(method):
    """Decorates a scheduled job's method: when its transaction conflicts with a
    concurrent one (a serialization failure or a deadlock, as when a salesperson
    clicks Refresh or Generate while the job runs), its work is rolled back and it runs
    again in a new transaction, after a short random wait, as Odoo runs a request again.
    After ``MAX_TRIES`` conflicts the error goes up: the job fails and runs at its next
    call. Without this, Odoo's job runner logs the conflict as the job's failure and the
    work waits for the next call. (Odoo's own ``odoo.service.model.retrying`` does this
    for requests, but commits at the end, which a job method called inside a larger
    transaction, or by a test, must not do; its waits also grow to 16 s.)"""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        for attempt in range(1, MAX_TRIES + 1):
            try:
                result = method(self, *args, **kwargs)
                self.env.flush_all()
                return result
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as exc:
                if attempt == MAX_TRIES:
                    raise
                _logger.info(
                    "%s.%s conflicted with a concurrent transaction (%s): run again (%s/%s)",
                    self._name,
                    method.__name__,
                    exc.pgcode,
                    attempt + 1,
                    MAX_TRIES,
                )
                self.env.cr.rollback()
                self.env.reset()
                self.env.registry.reset_changes()
                time.sleep(random.uniform(0.0, 0.25 * 2**attempt))
        return None  # not reached

    return wrapper
