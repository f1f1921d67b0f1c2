"""Turn a line-by-line async stream into batches for the UI: whatever has arrived is handed
over at once, in one batch — a burst (a tail of 200 lines) becomes one message, a quiet
stream still shows each line as soon as it comes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator
from typing import TypeVar

T = TypeVar("T")
_END = object()


async def batches(stream: AsyncIterable[T], max_batch: int = 500) -> AsyncIterator[list[T]]:
    queue: asyncio.Queue[object] = asyncio.Queue(maxsize=max_batch * 4)

    async def pump() -> None:
        try:
            async for item in stream:
                await queue.put(item)
        finally:
            await queue.put(_END)

    reader = asyncio.create_task(pump(), name="batches-pump")
    try:
        ended = False
        while not ended:
            first = await queue.get()
            if first is _END:
                break
            batch: list[T] = [first]  # type: ignore[list-item]
            while len(batch) < max_batch and not queue.empty():
                item = queue.get_nowait()
                if item is _END:
                    ended = True
                    break
                batch.append(item)  # type: ignore[arg-type]
            yield batch
        await reader  # the stream's own error, if it failed, is raised here
    finally:
        if not reader.done():
            reader.cancel()
