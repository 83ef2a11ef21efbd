"""The API's body parsers: DRF's, with the limits a public endpoint needs.

DRF reads a JSON or urlencoded body from the request stream, around Django's limits: a body of any
size was read into memory, and JSON nested a thousand deep raised RecursionError (a 500) before any
view ran, anonymous calls included. These parsers answer such a body with the contract's error
body instead: 400 `parse_error` for JSON nested deeper than MAX_DEPTH, 413 `too_large` for a body
over Django's DATA_UPLOAD_MAX_MEMORY_SIZE (`o2o.api.errors` maps `RequestDataTooBig`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

# No body of the API nests deeper than a handful of levels (a store's opening hours: 3).
MAX_DEPTH = 32


def read_body(stream: Any) -> bytes:
    """The body, at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes (None: no limit); RequestDataTooBig beyond."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None:
        return stream.read()
    body = stream.read(limit + 1)
    if len(body) > limit:
        raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")  # Django's words
    return body


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether the parsed JSON `value` nests arrays and objects more than `limit` deep (without recursion)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, Mapping) else item
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _nested_too_deep() -> ParseError:
    return ParseError(_("The JSON is nested more than %(limit)d levels deep.") % {"limit": MAX_DEPTH})


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing a body nested more than MAX_DEPTH deep (400) or too large (413)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        body = read_body(stream)
        parse_constant = json.strict_constant if self.strict else None
        try:
            data = json.loads(body.decode(encoding), parse_constant=parse_constant)
        except RecursionError:  # nested deeper than the interpreter's stack: far beyond MAX_DEPTH
            raise _nested_too_deep() from None
        except ValueError as exc:  # DRF's message: a malformed body, or one not in `encoding`
            raise ParseError(f"JSON parse error - {exc}") from None
        if isinstance(data, dict | list) and too_deep(data):
            raise _nested_too_deep()
        return data


class FormParser(parsers.FormParser):
    """DRF's urlencoded form parser, refusing a body too large (413) as Django's `request.POST` does."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        return QueryDict(read_body(stream), encoding=encoding)
