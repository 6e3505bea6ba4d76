"""A micro-batcher: concurrent requests share model batches, inference runs off the event loop.

Requests put their pairs on a queue; one worker takes the first waiting job,
waits up to `wait_ms` for more while the batch is under its token budget, runs
the model in a dedicated thread and hands each job its slice of the results.
The event loop stays free, so health checks answer while the model works.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from service.model.predictor import PairInput, StancePrediction

CHARS_PER_TOKEN = 4  # rough budget estimate before tokenising; the predictor re-batches exactly


class QueueFull(RuntimeError):
    """More pairs are waiting than the service is configured to hold."""


@dataclass
class Timing:
    queue_seconds: float = 0.0
    inference_seconds: float = 0.0
    batch_pairs: int = 0


@dataclass
class _Job:
    pairs: list[PairInput]
    future: asyncio.Future
    enqueued: float = field(default_factory=time.perf_counter)

    @property
    def tokens(self) -> int:
        return sum((len(p.claim) + len(p.sentence) + len(p.context)) // CHARS_PER_TOKEN + 4 for p in self.pairs)


class MicroBatcher:
    def __init__(
        self,
        predict: Callable[[list[PairInput]], list[StancePrediction]],
        wait_ms: float = 5.0,
        max_batch_tokens: int = 8192,
        max_queue: int = 1024,
        on_batch: Callable[[int, float], None] | None = None,
        full_batch_pairs: int = 8,
    ):
        self.predict = predict
        # the model runs at most this many pairs per forward pass; once a batch holds that many, waiting for
        # more requests only delays this one (requests already queued are still taken)
        self.full_batch_pairs = full_batch_pairs
        self.wait = wait_ms / 1000.0
        self.max_batch_tokens = max_batch_tokens
        self.max_queue = max_queue
        self.on_batch = on_batch
        self.queue: asyncio.Queue[_Job] = asyncio.Queue()
        self.waiting_pairs = 0
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stance-model")
        self.task: asyncio.Task | None = None
        self.stopped = False

    def start(self) -> None:
        if self.task is None:
            if self.stopped:
                # started again after stop() (a second lifespan of the same app): the old model thread is shut
                # down and the old queue belongs to the previous event loop, so both are made anew
                self.queue = asyncio.Queue()
                self.waiting_pairs = 0
                self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stance-model")
                self.stopped = False
            self.task = asyncio.get_running_loop().create_task(self._run(), name="micro-batcher")

    async def stop(self) -> None:
        if self.task:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.stopped = True

    async def submit(self, pairs: list[PairInput]) -> tuple[list[StancePrediction], Timing]:
        if not pairs:
            return [], Timing()
        # a request larger than the whole queue is taken when nothing waits; otherwise its "retry" could never succeed
        if self.waiting_pairs and self.waiting_pairs + len(pairs) > self.max_queue:
            raise QueueFull(f"{self.waiting_pairs} pairs already wait for the model (limit {self.max_queue})")
        self.start()
        job = _Job(pairs, asyncio.get_running_loop().create_future())
        self.waiting_pairs += len(pairs)
        await self.queue.put(job)
        return await job.future

    async def _collect(self) -> list[_Job]:
        jobs = [await self.queue.get()]
        budget, pairs = jobs[0].tokens, len(jobs[0].pairs)
        deadline = time.perf_counter() + self.wait
        while budget < self.max_batch_tokens:
            remaining = deadline - time.perf_counter()
            try:
                if remaining <= 0 or pairs >= self.full_batch_pairs:
                    job = self.queue.get_nowait()
                else:
                    job = await asyncio.wait_for(self.queue.get(), remaining)
            except (asyncio.QueueEmpty, asyncio.TimeoutError):
                break
            jobs.append(job)
            budget, pairs = budget + job.tokens, pairs + len(job.pairs)
        return jobs

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            jobs = await self._collect()
            pairs = [p for j in jobs for p in j.pairs]
            self.waiting_pairs -= len(pairs)
            started = time.perf_counter()
            try:
                results = await loop.run_in_executor(self.executor, self.predict, pairs)
            except Exception as err:
                if len(jobs) == 1:
                    if not jobs[0].future.done():
                        jobs[0].future.set_exception(err)
                    continue
                # one request's input must not fail the others that shared its batch: run each job alone
                for j in jobs:
                    await self._run_alone(loop, j)
                continue
            elapsed = time.perf_counter() - started
            if self.on_batch:
                self.on_batch(len(pairs), elapsed)
            at = 0
            for j in jobs:
                n = len(j.pairs)
                if not j.future.done():
                    j.future.set_result((results[at : at + n], Timing(started - j.enqueued, elapsed, len(pairs))))
                at += n

    async def _run_alone(self, loop: asyncio.AbstractEventLoop, job: _Job) -> None:
        started = time.perf_counter()
        try:
            results = await loop.run_in_executor(self.executor, self.predict, job.pairs)
        except Exception as err:
            if not job.future.done():
                job.future.set_exception(err)
            return
        elapsed = time.perf_counter() - started
        if self.on_batch:
            self.on_batch(len(job.pairs), elapsed)
        if not job.future.done():
            job.future.set_result((results, Timing(started - job.enqueued, elapsed, len(job.pairs))))
