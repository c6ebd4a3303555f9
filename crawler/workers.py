"""Crawl stage: notices normalised in worker processes, off the reactor thread, under a time limit.

Input: parsed notices from the store pipeline (with their fetch time) and a picklable normaliser.
Output: a Deferred per notice that fires on the reactor thread with `Processed`, `ProcessError`,
or `TimedOut` when the notice overran its limit (its worker is killed; a fresh one starts when
needed), so one hostile page costs one time limit, never the crawl. The limit is CPU time of the
worker (a loaded machine does not time out an honest notice), with a wall-clock backstop.
"""

from __future__ import annotations

import copyreg
import ctypes
import dataclasses
import logging
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from importlib import import_module
from typing import TYPE_CHECKING, Any, Protocol, cast

from twisted.internet.defer import Deferred

from analysis.models import NormalisedNotice, ParsedNotice
from analysis.process import Processed, ProcessError

if TYPE_CHECKING:  # workers import this module: keep Scrapy out of them
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)


def _reduce_by_constructor(obj: Any) -> tuple[type, tuple[Any, ...]]:
    cls = type(obj)
    return cls, tuple(getattr(obj, f.name) for f in dataclasses.fields(cls))


def register_record_pickling() -> None:
    """Pickle the record types by their constructor, in the crawl and in every worker.

    The normaliser's record types are compiled with mypyc, and a compiled frozen dataclass
    cannot be unpickled the default way (by setting its fields one by one: FrozenInstanceError
    kills the worker). Their constructors take every field, so this gives the same values with
    the compiled build and with the Python source."""
    import analysis.models as models

    for value in vars(models).values():
        if (
            isinstance(value, type)
            and dataclasses.is_dataclass(value)
            and value.__module__ == models.__name__
            and all(f.init for f in dataclasses.fields(value))
        ):
            copyreg.pickle(value, _reduce_by_constructor)


register_record_pickling()

PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies
Normaliser = Callable[..., Processed | ProcessError]  # (notice, *, fetched_at) -> result


@dataclass(frozen=True, slots=True)
class TimedOut:
    """A notice whose normalisation overran the time limit; its worker was killed."""

    url: str
    seconds: float
    clock: str = "CPU"  # "CPU" (the worker's CPU time) or "wall" (the backstop)

    @property
    def message(self) -> str:
        return f"normalise timed out after {self.seconds:g} s of {self.clock} time"


def cpu_seconds_of(pid: int) -> float | None:
    """CPU time (user + system) process `pid` has used, from /proc; None where it cannot be
    read (not Linux, the process is gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
        # Fields after the command name (which may hold spaces and parentheses): utime and
        # stime are fields 14 and 15 of proc(5), 12th and 13th after the name.
        fields = stat.rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


MIN_CHECK = 0.25  # seconds between two looks at a worker's CPU time, at least
# CPU seconds each table row adds to a notice's limit: the normaliser is linear, so is its
# budget. `process_notice` took 16.0 CPU s over 50,000 rows, 7.5 over 25,000 (pure Python,
# 0.3 ms a row), and a notice may carry 25,000 (NOTICE_MAX_TABLE_ROWS): 12.5 s more.
ROW_CPU_SECONDS = 0.0005


def cpu_limit(notice: ParsedNotice, base: float) -> float:
    """The CPU seconds a notice may take: `base`, plus its table rows' share."""
    return base + ROW_CPU_SECONDS * len(notice.tables)


def time_left(limit: float, wall_limit: float, cpu_used: float | None, elapsed: float) -> float:
    """Seconds to wait before looking again at a notice that has used `cpu_used` CPU seconds
    (None: unknown, so wall time counts instead) in `elapsed` seconds; 0 once it overran."""
    used = elapsed if cpu_used is None else cpu_used
    if used >= limit or elapsed >= wall_limit:
        return 0.0
    # CPU time grows no faster than wall time (one thread normalises): the earliest moment
    # the limit can be reached is `limit - used` seconds from now.
    return max(MIN_CHECK, min(limit - used, wall_limit - elapsed))


Outcome = Processed | ProcessError | TimedOut


class Timer(Protocol):
    def active(self) -> bool: ...

    def cancel(self) -> None: ...


class Reactor(Protocol):
    """What the pool needs of Twisted's reactor: timers and a way back from other threads."""

    def callLater(self, delay: float, f: Callable[..., Any], /, *args: Any) -> Timer: ...

    def callFromThread(self, f: Callable[..., Any], /, *args: Any) -> None: ...


def installed_reactor() -> Reactor:
    from twisted.internet import reactor  # Scrapy installs the reactor: import it only now

    return cast(Reactor, reactor)


def load_normaliser(path: str) -> Normaliser:
    """The normaliser named by a dotted path (`module.function`), as Scrapy names components."""
    module, _, name = path.rpartition(".")
    found: Normaliser = getattr(import_module(module), name)
    return found


# A small notice each worker normalises before its first real one: the normaliser loads its
# vocabularies and models on first use (~0.5 s), which must not count against a notice's limit.
WARM_UP = ParsedNotice(
    url="about:warm-up",
    title="国际传播中心招聘公告",
    text="一、招聘岗位\n英语编辑1名，本科及以上学历，英语专业八级。\n报名截止时间：2025年3月10日",
)


def die_with_parent() -> None:
    """Linux: have the kernel kill this worker when the crawl dies (kill -9 included), so a worker
    busy with a hostile notice never outlives the crawl by the notice's whole run time."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # the crawl died before prctl
        os._exit(1)


def normalise_in_worker(
    normaliser: Normaliser, notice: ParsedNotice, fetched_at: datetime
) -> NormalisedNotice | ProcessError:
    """Runs in the worker: only the normalised notice travels back (the crawl holds the parsed
    one already), so a notice's text and table rows cross between processes once, not twice."""
    outcome = normaliser(notice, fetched_at=fetched_at)
    return outcome.normalised if isinstance(outcome, Processed) else outcome


def warm_up(normaliser: Normaliser) -> None:
    """Runs in each new worker process (its executor's initializer), before any notice."""
    die_with_parent()
    normaliser(WARM_UP, fetched_at=datetime(2025, 3, 1))


@dataclass(slots=True, eq=False)
class Job:
    notice: ParsedNotice
    fetched_at: datetime
    done: Deferred[Outcome] = field(default_factory=Deferred)
    timer: Timer | None = None  # looks at the worker's CPU time; kills it at the limit
    started: float = 0.0  # time.monotonic() when the worker took the notice
    cpu_start: float | None = None  # the worker's CPU seconds then


class Worker:
    """One child process (a one-worker ProcessPoolExecutor) that normalises one notice at a time.

    Its first task reports the child's pid once the child has warmed up the normaliser, so the
    time limit counts normalising only, never start-up, and an overrunning child can be killed:
    a running task cannot be cancelled, and a thread could not be stopped at all.
    """

    def __init__(self, normaliser: Normaliser) -> None:
        # spawn, never fork: a forked child would inherit the crawl lock's file descriptors
        # (and a copy of the running reactor), and outlive a killed crawl holding the lock.
        self.executor = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=warm_up,
            initargs=(normaliser,),
        )
        self.pid: Future[int] = self.executor.submit(os.getpid)

    def kill(self) -> None:
        if self.pid.done() and self.pid.exception() is None:
            with suppress(ProcessLookupError):  # it died meanwhile
                os.kill(self.pid.result(), signal.SIGKILL)
        self.executor.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


class NormalisePool:
    """Up to `workers` child processes normalising notices, each notice given at most `timeout`
    seconds of a worker's CPU time (more for a notice with table rows: `cpu_limit`) and, however
    little CPU it gets, `wall_timeout` seconds (as much more, in proportion). A worker starts
    when a notice finds none free (a crawl whose notices are quick uses one; ~160 MB each);
    notices wait in arrival order, and results come back on the reactor thread in the order
    they finish. One pool may serve several spiders."""

    def __init__(
        self,
        normaliser: Normaliser,
        *,
        workers: int,
        timeout: float,
        wall_timeout: float | None = None,
        reactor: Reactor | None = None,
    ) -> None:
        self.normaliser = normaliser
        self.size = workers
        self.timeout = timeout
        self.wall_timeout = wall_timeout if wall_timeout is not None else 6 * timeout
        self.reactor = reactor
        self.live: list[Worker] = []
        self.idle: list[Worker] = []
        self.waiting: deque[Job] = deque()

    def warm(self) -> None:
        """Start the first worker now, so its start-up overlaps the crawl's first requests."""
        if not self.live:
            self._add_worker()

    def close(self) -> None:
        """Stop every worker; call once no notice is in flight (a spider closes after its items)."""
        for worker in self.live:
            worker.close()
        self.live, self.idle = [], []

    def normalise(self, notice: ParsedNotice, fetched_at: datetime) -> Deferred[Outcome]:
        job = Job(notice, fetched_at)
        self.waiting.append(job)
        self._dispatch()
        return job.done

    def _dispatch(self) -> None:
        while self.waiting:
            if not self.idle and len(self.live) < self.size:
                self._add_worker()
            if not self.idle:
                return
            self._run(self.idle.pop(), self.waiting.popleft())

    def _add_worker(self) -> None:
        worker = Worker(self.normaliser)
        self.live.append(worker)
        self.idle.append(worker)

    def _drop_worker(self, worker: Worker) -> None:
        worker.kill()
        self.live.remove(worker)

    def _run(self, worker: Worker, job: Job) -> None:
        reactor = self.reactor or installed_reactor()
        future = worker.executor.submit(
            normalise_in_worker, self.normaliser, job.notice, job.fetched_at
        )
        # Both callbacks run on the executor's thread (or here, if already done): hop back.
        worker.pid.add_done_callback(lambda _: reactor.callFromThread(self._arm, worker, job))
        future.add_done_callback(lambda f: reactor.callFromThread(self._finish, worker, job, f))

    def _arm(self, worker: Worker, job: Job) -> None:
        reactor = self.reactor or installed_reactor()
        if not job.done.called:
            job.started = time.monotonic()
            job.cpu_start = self._cpu_of(worker)
            job.timer = reactor.callLater(
                cpu_limit(job.notice, self.timeout), self._check, worker, job
            )

    def _cpu_of(self, worker: Worker) -> float | None:
        if not worker.pid.done() or worker.pid.exception() is not None:
            return None
        return cpu_seconds_of(worker.pid.result())

    def _check(self, worker: Worker, job: Job) -> None:
        """Kill the worker if its notice overran its CPU time or the wall backstop; otherwise
        look again when it could next have."""
        if job.done.called:
            return
        elapsed = time.monotonic() - job.started
        now = self._cpu_of(worker)
        used = None if now is None or job.cpu_start is None else now - job.cpu_start
        limit = cpu_limit(job.notice, self.timeout)
        wall_limit = self.wall_timeout * limit / self.timeout if self.timeout > 0 else limit
        wait = time_left(limit, wall_limit, used, elapsed)
        if wait > 0:
            reactor = self.reactor or installed_reactor()
            job.timer = reactor.callLater(wait, self._check, worker, job)
            return
        wall = elapsed >= wall_limit
        shown = round(wall_limit if wall else limit, 1)
        self._overrun(worker, job, shown, clock="wall" if wall else "CPU")

    def _finish(
        self, worker: Worker, job: Job, future: Future[NormalisedNotice | ProcessError]
    ) -> None:
        if job.done.called:  # it overran: the worker was killed already
            return
        if job.timer is not None and job.timer.active():
            job.timer.cancel()
        try:
            result = future.result()
            outcome: Outcome = (
                result if isinstance(result, ProcessError) else Processed(job.notice, result)
            )
            self.idle.append(worker)
        except BrokenProcessPool as exc:  # the child died (out of memory, killed)
            self._drop_worker(worker)
            outcome = ProcessError(job.notice.url, f"normalise worker died: {exc}")
        except Exception as exc:  # e.g. a result that cannot be pickled: counted, never fatal
            self.idle.append(worker)
            outcome = ProcessError(job.notice.url, f"normalise failed: {exc}")
        job.done.callback(outcome)
        self._dispatch()

    def _overrun(self, worker: Worker, job: Job, seconds: float, clock: str) -> None:
        logger.warning(
            "%s: normalise overran %g s of %s time; killing its worker",
            job.notice.url,
            seconds,
            clock,
        )
        self._drop_worker(worker)
        job.done.callback(TimedOut(job.notice.url, seconds, clock))
        self._dispatch()


def build_pool(settings: BaseSettings) -> NormalisePool | None:
    """The pool the settings ask for (ICC_NORMALISER, ICC_NORMALISE_WORKERS, _TIMEOUT and
    _WALL_TIMEOUT), or None for ICC_NORMALISE_WORKERS = 0: normalise on the reactor thread,
    without a limit."""
    workers = settings.getint("ICC_NORMALISE_WORKERS")
    if workers <= 0:
        return None
    normaliser = load_normaliser(settings.get("ICC_NORMALISER"))
    return NormalisePool(
        normaliser,
        workers=workers,
        timeout=settings.getfloat("ICC_NORMALISE_TIMEOUT"),
        wall_timeout=settings.getfloat("ICC_NORMALISE_WALL_TIMEOUT"),
    )
