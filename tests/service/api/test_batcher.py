"""The micro-batcher on its own: when it waits for company and when it does not."""

import asyncio

from service.api.batcher import MicroBatcher
from service.model.predictor import PairInput, StancePrediction


def pairs(n: int, tag: str = "x") -> list[PairInput]:
    return [PairInput("A claim.", f"{tag} sentence {i}.", "") for i in range(n)]


def echo(batches: list[int]):
    def predict(items: list[PairInput]) -> list[StancePrediction]:
        batches.append(len(items))
        return [StancePrediction("neutral", {"neutral": 1.0}) for _ in items]

    return predict


def test_a_request_that_fills_a_model_batch_does_not_wait_for_company():
    batches: list[int] = []

    async def main():
        b = MicroBatcher(echo(batches), wait_ms=2000, full_batch_pairs=8)
        try:
            results, timing = await asyncio.wait_for(b.submit(pairs(8)), timeout=1.5)
        finally:
            await b.stop()
        return results, timing

    results, timing = asyncio.run(main())
    assert len(results) == 8 and batches == [8]
    assert timing.queue_seconds < 1.0  # far below the 2 s wait: it did not wait


def test_small_requests_wait_and_share_one_batch():
    batches: list[int] = []

    async def main():
        b = MicroBatcher(echo(batches), wait_ms=300, full_batch_pairs=8)
        try:
            first = asyncio.create_task(b.submit(pairs(2, "a")))
            await asyncio.sleep(0.05)
            second = asyncio.create_task(b.submit(pairs(3, "b")))
            return await asyncio.gather(first, second)
        finally:
            await b.stop()

    (r1, t1), (r2, t2) = asyncio.run(main())
    assert batches == [5] and len(r1) == 2 and len(r2) == 3
    assert t1.batch_pairs == t2.batch_pairs == 5
