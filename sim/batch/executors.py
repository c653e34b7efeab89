"""Interchangeable executors: where the chunks of a batch run.

Every executor maps one plain function over chunk tasks and yields each chunk's small
summary as it finishes; the workers write their results themselves, so nothing large
ever travels back to the head process. They differ only in where the work happens:

- ``serial``: in the head process, one chunk after another (debugging, tests);
- ``processes``: a pool of local worker processes (the default). The pool uses an
  explicit ``forkserver`` context (``spawn`` where there is none) and never changes
  the interpreter's global start method; the fork server imports the model once, so
  each worker starts in milliseconds;
- ``dask``: a Dask distributed cluster (``--scheduler tcp://host:8786``). The batch
  folder must be on a file system every worker can write to.

At most ``2 x workers`` chunks are in flight at a time, so the head holds a bounded
number of futures however large the batch.

Local workers die with the head process: each asks the kernel for a signal when its
parent dies (Linux ``PR_SET_PDEATHSIG``) and also checks every HEAD_POLL seconds
that the head is alive, so a head killed by SIGKILL leaves no worker computing. An
interrupted or failed batch terminates its workers and waits for them to exit.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from ..errors import ArgumentError

EXECUTORS = ("processes", "serial", "dask")
IN_FLIGHT_PER_WORKER = 2
HEAD_POLL = 0.5  # seconds between a worker's checks that the head still runs
STOP_GRACE = 5.0  # seconds terminated workers get to exit before they are killed
PR_SET_PDEATHSIG = 1


class ExecutorError(ArgumentError):
    """An executor that cannot be set up as asked (bad worker count, no scheduler);
    ``field`` (= ``argument``) names the argument (executor, workers or scheduler)."""

    def __init__(self, message: str, field: str = "executor"):
        self.field = field
        super().__init__(field, message)

    def __reduce__(self):
        return (type(self), (self.detail, self.field))


def check_executor(name: str, workers: int | None = None, scheduler: Any = None) -> None:
    """Check executor settings without starting anything (ExecutorError otherwise), so
    that a command can refuse bad options before it writes a file."""
    if name not in EXECUTORS:
        raise ExecutorError(f"unknown executor {name!r}; allowed: {', '.join(EXECUTORS)}")
    if workers is not None and (isinstance(workers, bool) or workers < 1):
        raise ExecutorError(f"must be at least 1, got {workers}", "workers")
    if name == "dask" and not scheduler:
        raise ExecutorError(
            "the dask executor needs a scheduler address (e.g. tcp://10.0.0.5:8786)", "scheduler"
        )


def default_workers() -> int:
    """The CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class SerialExecutor:
    """Run chunks one after another in this process."""

    name = "serial"
    workers = 1

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def imap_unordered(self, fn: Callable, tasks: Iterable) -> Iterator[Any]:
        for task in tasks:
            yield fn(task)


def _bounded(submit: Callable, tasks: Iterable, limit: int, wait_any: Callable) -> Iterator:
    """Submit at most `limit` tasks at a time and yield results as they complete."""
    it = iter(tasks)
    pending = set()
    for task in it:
        pending.add(submit(task))
        if len(pending) >= limit:
            break
    while pending:
        done, pending = wait_any(pending)
        for fut in done:
            yield fut.result()
            nxt = next(it, None)
            if nxt is not None:
                pending.add(submit(nxt))


def _head_alive(pid: int) -> bool:
    """Whether the head process runs (a zombie, killed but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):  # gone, or the pid reused by another user
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):  # not Linux
        return True


def _watch_head(head: int) -> None:
    """In a worker: end this process as soon as the head process is gone."""
    try:  # Linux: the kernel signals us when our parent (the fork server) exits
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass

    def poll() -> None:
        while _head_alive(head):
            time.sleep(HEAD_POLL)
        os._exit(1)

    if not _head_alive(head):
        os._exit(1)
    threading.Thread(target=poll, name="watch-head", daemon=True).start()


class ProcessExecutor:
    """A pool of local worker processes."""

    name = "processes"

    def __init__(self, workers: int | None = None, start_method: str | None = None):
        check_executor(self.name, workers)
        self.workers = workers or default_workers()
        methods = multiprocessing.get_all_start_methods()
        self.start_method = start_method or ("forkserver" if "forkserver" in methods else "spawn")
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> ProcessExecutor:
        ctx = multiprocessing.get_context(self.start_method)
        if self.start_method == "forkserver":
            # import the model once in the fork server, not in every worker
            ctx.set_forkserver_preload(["sim.batch.worker"])
        self._pool = ProcessPoolExecutor(
            self.workers, mp_context=ctx, initializer=_watch_head, initargs=(os.getpid(),)
        )
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if self._pool is None:
            return
        procs = list((getattr(self._pool, "_processes", None) or {}).values())
        if exc_type is not None:
            # interrupted or failed: stop the workers now; unfinished chunks carry no
            # done marker and are rerun by `resume`
            for proc in procs:
                proc.terminate()
        self._pool.shutdown(wait=exc_type is None, cancel_futures=True)
        self._pool = None
        deadline = time.monotonic() + STOP_GRACE
        for proc in procs:  # no worker outlives the command
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
                proc.join(1.0)

    def imap_unordered(self, fn: Callable, tasks: Iterable) -> Iterator[Any]:
        assert self._pool is not None, "use the executor as a context manager"
        pool = self._pool

        def wait_any(pending):
            return wait(pending, return_when=FIRST_COMPLETED)

        return _bounded(
            lambda t: pool.submit(fn, t), tasks, IN_FLIGHT_PER_WORKER * self.workers, wait_any
        )


class DaskExecutor:
    """Chunks on a Dask distributed cluster (an address, or a `distributed.Client`)."""

    name = "dask"

    def __init__(self, scheduler: Any):
        check_executor(self.name, scheduler=scheduler)
        try:
            import distributed  # noqa: F401
        except ImportError as exc:
            raise ExecutorError(
                "the dask executor needs Dask distributed: pip install 'southflank[dask]'"
            ) from exc
        self.scheduler = scheduler
        self._client = None
        self._own_client = False
        self.workers = 1

    def __enter__(self) -> DaskExecutor:
        from distributed import Client

        if isinstance(self.scheduler, Client):
            self._client = self.scheduler
        else:
            try:
                self._client = Client(self.scheduler, timeout="20s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise ExecutorError(
                    f"cannot reach a Dask scheduler at {self.scheduler} ({exc})", "scheduler"
                ) from exc
            self._own_client = True
        self.workers = max(1, sum(self._client.nthreads().values()))
        return self

    def __exit__(self, *exc) -> None:
        if self._own_client and self._client is not None:
            self._client.close()
        self._client = None

    def imap_unordered(self, fn: Callable, tasks: Iterable) -> Iterator[Any]:
        from distributed import wait as dwait

        client = self._client
        assert client is not None, "use the executor as a context manager"

        def wait_any(pending):
            res = dwait(list(pending), return_when="FIRST_COMPLETED")
            return set(res.done), set(res.not_done)

        return _bounded(
            lambda t: client.submit(fn, t, pure=False),
            tasks,
            IN_FLIGHT_PER_WORKER * self.workers,
            wait_any,
        )


def make_executor(name: str, workers: int | None = None, scheduler: Any = None):
    """An executor by name: ``processes`` (default), ``serial`` or ``dask``."""
    check_executor(name, workers, scheduler)
    if name == "serial":
        return SerialExecutor()
    if name == "processes":
        return ProcessExecutor(workers)
    return DaskExecutor(scheduler)
