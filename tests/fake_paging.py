"""boto3's ``can_paginate``/``get_paginator`` for fake clients, over the fake's own methods.

A fake answers one page per call; the paginator follows the page's token the way botocore does
(``NextToken``/``nextToken``, or ``Marker`` while ``IsTruncated``), so a fake that answers in
several pages exercises the callers' paging.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any


class Paginating:
    def can_paginate(self, method: str) -> bool:
        return callable(getattr(self, method, None))

    def get_paginator(self, method: str) -> _Paginator:
        return _Paginator(getattr(self, method))


class _Paginator:
    def __init__(self, call: Callable[..., dict[str, Any]]) -> None:
        self._call = call

    def paginate(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        token: dict[str, str] = {}
        while True:
            page = self._call(**kwargs, **token)
            yield page
            if page.get("NextToken"):
                token = {"NextToken": page["NextToken"]}
            elif page.get("nextToken"):
                token = {"nextToken": page["nextToken"]}
            elif page.get("IsTruncated") and page.get("Marker"):
                token = {"Marker": page["Marker"]}
            else:
                return
