"""Django's Redis cache, made to answer as an empty cache while Redis cannot be reached."""

import logging
import threading
import time
from functools import wraps

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def fail_soft(fallback):
    """Run a cache method, or answer `fallback(*args, **kwargs)` as an empty cache would while Redis is away."""

    def decorate(method):
        @wraps(method)
        def call(self, *args, **kwargs):
            if self.is_resting():
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                self.rest(error)
                return fallback(*args, **kwargs)

        return call

    return decorate


def missing(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found.")


class FailSoftRedisCache(RedisCache):
    """Django's RedisCache that, while Redis cannot be reached, answers as an empty cache that keeps nothing.

    Pages are then rendered instead of served from the cache, which is slower but never an error. After a failure this
    process leaves Redis alone for RETRY_SECONDS, so that requests do not each wait for a connection to fail, then
    tries again: recovery needs nobody.
    """

    RETRY_SECONDS = 5
    # By LOCATION, shared by the threads of a process (Django makes a cache object per thread).
    resting_until = {}
    lock = threading.Lock()

    def __init__(self, server, params):
        super().__init__(server, params)
        self.server_key = tuple(self._servers)

    def is_resting(self):
        return time.monotonic() < self.resting_until.get(self.server_key, 0)

    def rest(self, error):
        with self.lock:
            was_resting = self.server_key in self.resting_until
            self.resting_until[self.server_key] = time.monotonic() + self.RETRY_SECONDS
        if not was_resting:
            logger.warning("Redis cannot be reached, so nothing is cached: %s", error)

    def recovered(self):
        if self.server_key in self.resting_until:
            with self.lock:
                if self.resting_until.pop(self.server_key, None) is not None:
                    logger.warning("Redis answers again.")

    @fail_soft(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        value = super().get(key, default, version)
        self.recovered()
        return value

    @fail_soft(lambda keys, version=None: {})
    def get_many(self, keys, version=None):
        values = super().get_many(keys, version)
        self.recovered()
        return values

    @fail_soft(lambda key, *args, **kwargs: None)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @fail_soft(lambda data, *args, **kwargs: list(data))
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @fail_soft(lambda key, *args, **kwargs: True)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @fail_soft(lambda key, *args, **kwargs: False)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @fail_soft(lambda key, *args, **kwargs: False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @fail_soft(lambda keys, *args, **kwargs: None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @fail_soft(lambda key, *args, **kwargs: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @fail_soft(missing)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    @fail_soft(lambda *args, **kwargs: None)
    def clear(self):
        return super().clear()
