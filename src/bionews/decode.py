"""Bytes to text: the one place that guesses encodings and refuses binary files.

Dumps mix UTF-8 pages with GB18030/GBK/Big5 pages that declare nothing, pages
whose HTTP header and ``<meta charset>`` disagree, and the odd PDF or image
saved under an ``.html`` name. Deciding all of that here keeps the cleaner
working on ``str`` only, and keeps the error a reader sees specific.
"""

from __future__ import annotations

import codecs
import html
import re
import unicodedata

from .errors import BinaryInputError, EmptyInputError, EncodingError

#: Leading bytes of formats that are never an article (checked before decoding).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"\x1f\x8b", "gzip"),
    (b"PK\x03\x04", "zip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"RIFF", "RIFF media"),
    (b"\x00\x00\x00\x18ftyp", "MP4"),
    (b"\x00\x00\x00\x20ftyp", "MP4"),
    (b"\x7fELF", "ELF executable"),
    (b"MZ", "Windows executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE (doc/xls)"),
    (b"wOFF", "web font"),
    (b"wOF2", "web font"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""",
    re.I,
)
#: Chinese legacy encodings are decoded as their superset, so a GBK page with a
#: few GB18030-only characters (or a page that says gb2312 and means GBK) reads.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
}
#: Codecs that map every byte: a label naming one proves nothing about the bytes.
_SINGLE_BYTE = frozenset(
    codecs.lookup(n).name
    for n in ("cp1252", "latin-1", "iso-8859-15", "cp1251", "koi8-r", "iso-8859-2", "mac-roman")
)
_SPACES = re.compile(r"[\u00a0\u2007\u202f\u3000\u200b\ufeff]")


def _sniff_binary(data: bytes) -> None:
    head = data[:16]
    for magic, name in _MAGIC:
        if head.startswith(magic):
            raise BinaryInputError(f"input is a {name} file, not a web page or text")
    sample = data[:4096]
    # UTF-16/32 text has NULs too, but only after a BOM, which is handled first.
    if b"\x00" in sample:
        raise BinaryInputError("input contains NUL bytes: a binary file, not text")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _declared(data: bytes, content_type: str | None) -> list[str]:
    found: list[str] = []
    if content_type:
        m = _HTTP_CHARSET.search(content_type)
        if m and (c := _codec(m.group(1))):
            found.append(c)
    m = _META_CHARSET.search(data[:4096])
    if m and (c := _codec(m.group(1).decode("ascii", "ignore"))):
        found.append(c)
    return found


def _detect(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    # Detection on the first 64 KB is as good and much faster on huge pages.
    best = from_bytes(data[:65536]).best()
    return _codec(best.encoding) if best is not None else None


def _is_han(ch: str) -> bool:
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x3000 <= o <= 0x303F
        or 0xFF00 <= o <= 0xFFEF
    )


def _han_share(text: str, *, simplified: bool) -> float:
    chars = [c for c in text if ord(c) > 0x7F]
    if not chars:
        return 0.0
    ok = 0
    for c in chars:
        if not _is_han(c):
            continue
        if simplified:
            try:
                c.encode("gb2312")
            except UnicodeEncodeError:
                continue
        ok += 1
    return ok / len(chars)


def _sniff_cjk(data: bytes) -> str | None:
    """Decode as GB18030 or Big5 when the result is (nearly) all Chinese characters.

    Statistical detectors misread English pages that hold only a few Chinese
    words (an ICP licence footer, a company name) as some single-byte codepage;
    a strict decode whose non-ASCII characters are all common Han characters is
    far stronger evidence. GB2312's common characters come first: Big5 bytes read
    as GBK land outside them (or on kana and box-drawing rows).
    """
    sample = data[:65536]
    if not any(b > 0x7F for b in sample[:65536]):
        return None
    for enc, simplified in (("gb18030", True), ("big5hkscs", False)):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _han_share(text[:20000], simplified=simplified) >= 0.9:
            return text
    return None


def normalise(text: str) -> str:
    """NFC, entities and odd spaces folded: later regexes see one spelling only."""
    if "&" in text:
        text = html.unescape(text)
    text = _SPACES.sub(lambda m: "" if m.group() in "\u200b\ufeff" else " ", text)
    return unicodedata.normalize("NFC", text)


def decode(data: bytes, content_type: str | None = None) -> str:
    """Decode a page or text dump; raises for empty, binary or undecodable input.

    Order: BOM, strict UTF-8, HTTP charset, ``<meta charset>`` in the first 4 KB,
    then charset-normalizer. A declared charset that fails strictly is skipped
    (servers lie), so a GB18030 page served as ``utf-8`` still decodes right.
    The result is *not* entity-unescaped: HTML needs its markup intact, so
    :func:`normalise` runs on extracted text instead.
    """
    if not data or not data.strip():
        raise EmptyInputError("input is empty")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(enc)
            except UnicodeDecodeError as exc:
                raise EncodingError(f"input has a {enc} BOM but does not decode: {exc}") from exc
    _sniff_binary(data)
    # Strict UTF-8 first: non-UTF-8 text almost never decodes as UTF-8 by
    # accident, while a wrong ``iso-8859-1`` label decodes anything as mojibake.
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A page cut inside its last character (a truncated download) is still
        # UTF-8: drop the partial character rather than let a detector read the
        # whole page as some codepage's mojibake.
        if exc.reason == "unexpected end of data" and len(data) - exc.start < 4:
            return data[: exc.start].decode("utf-8")
    declared = _declared(data, content_type)
    for enc in dict.fromkeys(declared):
        if enc not in _SINGLE_BYTE:
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                continue
    # A Chinese page with no usable label: checked before any single-byte
    # label, because "iso-8859-1" on a GBK page is a common server default.
    cjk = _sniff_cjk(data)
    if cjk is not None:
        return cjk
    for enc in dict.fromkeys(declared):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    guess = _detect(data)
    if guess:
        try:
            return data.decode(guess)
        except UnicodeDecodeError:
            pass
    candidates = [*declared, "utf-8"]
    # Last resort: the first candidate with replacement characters, if only a
    # handful of bytes are bad; a page that is mostly garbage is an error.
    enc = guess or candidates[0]
    text = data.decode(enc, errors="replace")
    if text.count("\ufffd") > max(8, len(text) // 200):
        raise EncodingError(f"input does not decode as {enc} or any detected encoding")
    return text
