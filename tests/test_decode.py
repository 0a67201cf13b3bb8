"""Bytes to text: encodings, BOMs, lying charset labels and binary files."""

from __future__ import annotations

import codecs
import gzip

import pytest

from bionews.clean import clean
from bionews.decode import decode, normalise
from bionews.errors import BinaryInputError, EmptyInputError, TooLargeError

BODY = (
    "<p>" + "The Chongqing drug maker 智飞生物 said its vaccine plant would open next spring, "
    "and the district government promised land and loans for the project. " * 4 + "</p>"
)
PAGE = f"<html><head><title>Plant news</title></head><body>{BODY}</body></html>"


def test_gb18030_without_charset_decodes() -> None:
    text = decode(PAGE.encode("gb18030"))
    assert "智飞生物" in text


def test_big5_without_charset_decodes() -> None:
    page = PAGE.replace("智飞生物", "智飛生物")
    assert "智飛生物" in decode(page.encode("big5"))


def test_wrong_single_byte_label_on_gbk_page() -> None:
    page = PAGE.replace("<head>", "<head><meta charset='iso-8859-1'>")
    assert "智飞生物" in decode(page.encode("gbk"))


def test_wrong_http_charset_on_utf8_page() -> None:
    assert "智飞生物" in decode(PAGE.encode("utf-8"), "text/html; charset=gbk")


def test_declared_latin1_is_used() -> None:
    page = "<html><head><meta charset='iso-8859-1'></head><body><p>Société générale, résumé.</p>"
    assert "Société générale" in decode(page.encode("latin-1"))


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-32"])
def test_bom(codec: str) -> None:
    data = PAGE.encode(codec)
    if codec == "utf-8-sig":
        assert data.startswith(codecs.BOM_UTF8)
    text = decode(data)
    assert text.startswith("<html>") and "智飞生物" in text


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        gzip.compress(PAGE.encode()),
        b"PK\x03\x04\x14\x00\x00\x00",
        b"some text\x00\x00\x01with nul bytes" * 3,
    ],
)
def test_binary_refused(data: bytes) -> None:
    with pytest.raises(BinaryInputError):
        decode(data)


@pytest.mark.parametrize("data", [b"", b"  \n\t "])
def test_empty_refused(data: bytes) -> None:
    with pytest.raises(EmptyInputError):
        decode(data)


def test_too_large_refused_before_decoding() -> None:
    with pytest.raises(TooLargeError):
        clean(b"<p>x</p>" * 100, max_bytes=100)


def test_normalise_entities_nbsp_and_nfc() -> None:
    assert normalise("A&amp;B\u00a0C e\u0301 &#8220;q&#8221;") == "A&B C é “q”"
    assert normalise("中文\u3000字") == "中文 字"
