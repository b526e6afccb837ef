"""Every item of a listing AWS API, through the SDK's paginator (one place for all callers)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def items(client: Any, method: str, key: str, **kwargs: Any) -> Iterator[Any]:
    """The ``key`` items of every page of ``client.method(**kwargs)``.

    A client (or emulator) without a paginator for ``method`` is called once.
    """
    if client.can_paginate(method):
        for page in client.get_paginator(method).paginate(**kwargs):
            yield from page.get(key, [])
    else:
        yield from getattr(client, method)(**kwargs).get(key, [])
