"""The one retry policy for transient failures (429, 5xx, timeouts, dropped connections).

The openai SDK's own retries are switched off (``max_retries=0``) so the two never
multiply; every wait before a resend is decided here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass(slots=True)
class RetryPolicy:
    """Exponential backoff with full jitter, honouring the server's ``retry-after``.

    Full jitter (a uniform draw in [0, backoff]) spreads the resends of many requests
    that failed together, so they do not return as one synchronized burst.
    """

    max_retries: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    #: a retry-after longer than this is not waited out (the job would look hung)
    max_retry_after: float = 120.0
    rng: random.Random = field(default_factory=random.Random)

    def can_retry(self, retries_done: int) -> bool:
        return retries_done < self.max_retries

    def too_long(self, retry_after: float | None) -> bool:
        """A wait this long (a daily limit) is not worth holding the job for."""
        return retry_after is not None and retry_after > self.max_retry_after

    def delay(self, retries_done: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``retries_done + 1``."""
        backoff = min(self.max_delay, self.base_delay * (2 ** retries_done))
        jittered = self.rng.uniform(0, backoff)
        if retry_after is not None and retry_after > 0:
            # The server said when; add a little jitter so waiters do not all return at once.
            wait = min(retry_after, self.max_retry_after)
            return wait + self.rng.uniform(0, 0.1 + 0.1 * wait)
        return max(0.05, jittered)
