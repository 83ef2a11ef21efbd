"""The text of a PDF written by reportlab, read back without a PDF library: every content stream
decoded (ASCII85) and inflated, every string shown (`Tj`, `TJ`) decoded (UTF-16BE for the CID font STSong-Light, whose
encoding is UniGB-UCS2-H; Latin-1 for the standard fonts). Enough for our own statements."""

from __future__ import annotations

import base64
import contextlib
import re
import zlib

_STREAM = re.compile(rb"stream\r?\n(.*?)\s*endstream", re.S)
_STRING = re.compile(rb"\((?:\\.|[^\\)])*\)", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def _unescape(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(raw):
        char = raw[i : i + 1]
        if char != b"\\":
            out += char
            i += 1
            continue
        following = raw[i + 1 : i + 2]
        octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
        if octal:
            out.append(int(octal.group(), 8))
            i += 1 + len(octal.group())
        else:
            out += _ESCAPES.get(following, following)
            i += 2
    return bytes(out)


def pdf_strings(content: bytes) -> list[str]:
    """Each string the PDF's pages show, in order."""
    shown = []
    for match in _STREAM.finditer(content):
        data = match.group(1)
        compact = re.sub(rb"\s", b"", data)
        if compact.endswith(b"~>"):  # reportlab's ASCII85 layer, then Flate
            data = base64.a85decode(compact[:-2])
        with contextlib.suppress(zlib.error):
            data = zlib.decompress(data)
        if b"Tj" not in data and b"TJ" not in data:
            continue
        for literal in _STRING.findall(data):
            raw = _unescape(literal[1:-1])
            shown.append(raw.decode("utf-16-be") if raw[:1] == b"\x00" or _is_cjk(raw) else raw.decode("latin-1"))
    return shown


def _is_cjk(raw: bytes) -> bool:
    if len(raw) % 2:
        return False
    try:
        text = raw.decode("utf-16-be")
    except UnicodeDecodeError:
        return False
    return all(ord(c) < 0x80 or 0x3000 <= ord(c) <= 0x9FFF or 0xFF00 <= ord(c) <= 0xFFEF for c in text)
