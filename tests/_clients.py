"""Both clients behind one blocking interface, so that every client test runs on both.

``SyncAPI`` hands out ``orsse.Client`` and its streams as they are. ``AsyncAPI`` runs an
``orsse.AsyncClient`` on an event loop in a background thread and blocks on each call
(``next(stream)`` awaits ``stream.__anext__()``, ``stream.result()`` awaits the
coroutine, ``close()`` awaits ``aclose()``), so the same test body drives either one.
Every wait on the loop is bounded.
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING

import orsse
from orsse import _async_client, _sync_client

if TYPE_CHECKING:
    from typing import Any, Awaitable, Callable, List

#: The longest any one call on the loop may take, whatever the test does.
CALL_TIMEOUT = 30.0

CLIENT_OPTIONS = (
    "api_key", "base_url", "timeout", "max_retries", "headers", "ssl_context", "proxy", "app_url", "app_title",
)


def split_options(kwargs: "dict[str, Any]") -> "tuple[dict[str, Any], dict[str, Any]]":
    client = {k: kwargs.pop(k) for k in list(kwargs) if k in CLIENT_OPTIONS}
    return client, kwargs


class SyncAPI:
    name = "sync"

    def __init__(self) -> None:
        self.clients: List[Any] = []

    def client(self, **options: Any) -> Any:
        api_key = options.pop("api_key", None)
        client = orsse.Client(api_key, **options)
        self.clients.append(client)
        return client

    def patch_sleep(self, monkeypatch: Any, record: Callable[[float], None]) -> None:
        monkeypatch.setattr(_sync_client, "_sleep", record)

    def close(self) -> None:
        for client in self.clients:
            client.close()


class _Loop:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, awaitable: Awaitable[Any]) -> Any:
        async def call() -> Any:
            return await awaitable

        return asyncio.run_coroutine_threadsafe(call(), self.loop).result(CALL_TIMEOUT)

    def stop(self) -> None:
        async def drain() -> None:
            await asyncio.sleep(0)

        asyncio.run_coroutine_threadsafe(drain(), self.loop).result(CALL_TIMEOUT)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(CALL_TIMEOUT)
        self.loop.close()


class AsyncStream:
    """An ``AsyncChatStream`` driven from a blocking test."""

    def __init__(self, loop: _Loop, stream: Any) -> None:
        self._loop = loop
        self.stream = stream

    def __iter__(self) -> AsyncStream:
        return self

    def __next__(self) -> Any:
        try:
            return self._loop.run(self.stream.__anext__())
        except StopAsyncIteration:
            raise StopIteration from None

    def result(self) -> Any:
        return self._loop.run(self.stream.result())

    def close(self) -> None:
        self._loop.run(self.stream.aclose())

    def __enter__(self) -> AsyncStream:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)

    def __repr__(self) -> str:
        return repr(self.stream)


class AsyncClient:
    def __init__(self, loop: _Loop, client: Any) -> None:
        self._loop = loop
        self.client = client

    def stream_chat(self, *args: Any, **kwargs: Any) -> AsyncStream:
        pending = self.client.stream_chat(*args, **kwargs)  # argument errors raise here
        return AsyncStream(self._loop, self._loop.run(pending))

    def stream_responses(self, *args: Any, **kwargs: Any) -> AsyncStream:
        pending = self.client.stream_responses(*args, **kwargs)
        return AsyncStream(self._loop, self._loop.run(pending))

    def close(self) -> None:
        self._loop.run(self.client.aclose())

    def __enter__(self) -> AsyncClient:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


class AsyncAPI:
    name = "async"

    def __init__(self) -> None:
        self.clients: List[Any] = []
        self._loop = _Loop()

    def client(self, **options: Any) -> Any:
        api_key = options.pop("api_key", None)
        client = AsyncClient(self._loop, orsse.AsyncClient(api_key, **options))
        self.clients.append(client)
        return client

    def run(self, awaitable: Awaitable[Any]) -> Any:
        return self._loop.run(awaitable)

    def patch_sleep(self, monkeypatch: Any, record: Callable[[float], None]) -> None:
        async def sleep(seconds: float) -> None:
            record(seconds)

        monkeypatch.setattr(_async_client, "_sleep", sleep)

    def close(self) -> None:
        for client in self.clients:
            try:
                client.close()
            except Exception:  # noqa: BLE001 - teardown of a test that failed
                pass
        self._loop.stop()
