"""A real Celery worker for tests, in a thread of the test process, with Redis as the broker.

Each worker takes jobs from a queue named for its test alone, so parallel test
processes sharing one Redis database never take each other's jobs. Tests skip
when Redis is not reachable.

On SQLite the test database lives in memory with a shared cache, where a write
fails at once ("database table is locked") while another thread reads the same
table. There the test thread and the worker take turns on the database through
`DatabaseTurns`: the worker waits for its turn before each task. PostgreSQL
runs both at once.
"""

import contextlib
import threading
import uuid

import pytest
import redis
from celery import Celery, signals
from celery.contrib.testing.worker import start_worker
from django.db import connection

from kitsu_project.celery import app as project_app


def redis_reachable(broker_url):
    try:
        return redis.Redis.from_url(broker_url, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        return False


class DatabaseTurns:
    """A lock that the test thread and the worker take before using the database, on SQLite only."""

    def __init__(self, enabled):
        self.lock = threading.Lock() if enabled else None

    def __call__(self):
        return self.lock if self.lock is not None else contextlib.nullcontext()

    def worker_start(self, **kwargs):
        if self.lock is not None:
            self.lock.acquire()

    def worker_end(self, **kwargs):
        # The worker thread opens its own database connection; closing it lets the test database be flushed.
        connection.close()
        if self.lock is not None:
            self.lock.release()


def database_turns():
    return DatabaseTurns(enabled=connection.vendor == "sqlite")


@contextlib.contextmanager
def running_worker(broker_url, database_turn, *, shutdown_timeout=60):
    """Run a Celery worker on a queue of its own, with a Celery app that is not eager, until the block ends.

    The worker registers the shared tasks of the modules imported before it
    starts. `start_worker` makes its app the current one, so the shared tasks
    send their jobs through it.
    """
    if not redis_reachable(broker_url):
        pytest.skip(f"Redis is not reachable at {broker_url}: the Celery worker tests need it as the broker")
    queue = f"kitsu-test-{uuid.uuid4().hex}"
    app = Celery("kitsu-worker-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=broker_url,
        result_backend=None,
        task_always_eager=False,
        task_default_queue=queue,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=False,
    )
    signals.task_prerun.connect(database_turn.worker_start, weak=False)
    signals.task_postrun.connect(database_turn.worker_end, weak=False)
    try:
        with start_worker(app, perform_ping_check=False, queues=[queue], shutdown_timeout=shutdown_timeout) as worker:
            yield worker
    finally:
        signals.task_prerun.disconnect(database_turn.worker_start)
        signals.task_postrun.disconnect(database_turn.worker_end)
        project_app.set_current()
        project_app.set_default()
        with app.connection_for_write() as broker:
            broker.default_channel.queue_delete(queue)
        app.close()
