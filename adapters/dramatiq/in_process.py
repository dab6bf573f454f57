"""A Dramatiq worker running in background threads of the current process.

Used by ``fairarena serve`` when no broker is configured (the embedded default) and by tests; the
``worker`` command runs the same ``dramatiq.Worker`` as its main job.
"""

from __future__ import annotations

from dramatiq import Broker, Worker

#: Threads that run actors in the embedded default (the machine is small; jobs mostly wait on I/O).
EMBEDDED_WORKER_THREADS = 2
#: How long a consumer waits for a message before checking for shutdown (ms).
WORKER_POLL_TIMEOUT_MS = 200
#: How long ``stop`` lets running jobs finish (ms).
STOP_TIMEOUT_MS = 30_000


def boot_process(broker: Broker) -> None:
    """Tell the middleware the process booted, as the ``dramatiq`` CLI would, once per broker.

    Without it ``TimeLimit`` never starts its watchdog thread and time limits are not enforced.
    """
    if not getattr(broker, "_fairarena_booted", False):
        broker.emit_after("process_boot")
        broker._fairarena_booted = True  # type: ignore[attr-defined]


class InProcessWorker:
    """Starts and stops a ``dramatiq.Worker`` on ``broker`` (blocking calls: use a thread)."""

    def __init__(
        self,
        broker: Broker,
        *,
        threads: int = EMBEDDED_WORKER_THREADS,
        queues: set[str] | None = None,
    ) -> None:
        self._broker = broker
        self._worker = Worker(
            broker, queues=queues, worker_threads=threads, worker_timeout=WORKER_POLL_TIMEOUT_MS
        )
        self._running = False

    def start(self) -> None:
        if not self._running:
            boot_process(self._broker)
            self._worker.start()
            self._running = True

    def stop(self, timeout_ms: int = STOP_TIMEOUT_MS) -> None:
        if self._running:
            self._worker.stop(timeout=timeout_ms)
            self._running = False

    def join(self) -> None:
        """Block until every queued message has been processed (tests)."""
        self._worker.join()
