"""Server-rendered pages in tests: a browser of the brand (`client_for`), the elements marked
`data-testid` with their text, and the queries a page costs."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from o2o.models import Tenant, User

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    attrs: dict[str, str | None]
    parts: list[str]

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


class _ByTestId(HTMLParser):
    """Every element carrying `data-testid`, with its attributes and its whole text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, list[Element]] = {}
        self._open: list[tuple[str, Element | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        element = None
        if values.get("data-testid"):
            element = Element(values, [])
            self.found.setdefault(str(values["data-testid"]), []).append(element)
        if tag not in _VOID:
            self._open.append((tag, element))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        for _, element in self._open:
            if element is not None:
                element.parts.append(data)


def elements(response: Any, testid: str) -> list[Element]:
    parser = _ByTestId()
    parser.feed(response.content.decode())
    return parser.found.get(testid, [])


def texts(response: Any, testid: str) -> list[str]:
    return [element.text for element in elements(response, testid)]


def text(response: Any, testid: str) -> str:
    found = texts(response, testid)
    assert len(found) == 1, f"{len(found)} elements {testid!r}"
    return found[0]


def client_for(tenant: Tenant, user: User | None = None, *, host: str | None = None, **extra: Any) -> Client:
    """A browser on the brand's host (`<slug>.localhost`, or `host`), signed in as `user` if given."""
    client = Client(HTTP_HOST=host or f"{tenant.slug}.localhost", **extra)
    if user is not None:
        client.force_login(user)
    return client


def queries_for(client: Client, path: str, params: dict[str, Any] | None = None) -> int:
    """How many queries a GET of `path` costs (it must answer 200)."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, params or {}).status_code == 200
    return len(captured.captured_queries)
