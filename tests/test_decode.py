import gzip

import pytest

from artclean.decode import decode, normalize
from artclean.errors import InputError

GERMAN = "Für die Straße gilt: Größe zählt.\nZweite Zeile mit Umlauten: äöü.\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_unicode_encodings_give_the_same_text(encoding):
    data = GERMAN.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        pass  # no BOM: recognised by the NUL pattern
    assert decode(data).text == GERMAN


def test_bom_is_stripped_so_startswith_rules_work():
    assert decode(b"\xef\xbb\xbfWERBUNG\n").text == "WERBUNG\n"


@pytest.mark.parametrize("newline", [b"\r\n", b"\r", b"\n"])
def test_line_endings_become_lf(newline):
    assert decode(b"a" + newline + b"b" + newline).text == "a\nb\n"


def test_a_few_bad_bytes_garble_only_their_line():
    data = GERMAN.encode("utf-8") + "Kaputt: Gr\xfc\xdfe\n".encode("cp1252")
    out = decode(data)
    assert out.text.startswith(GERMAN)
    assert "Kaputt: Grüße" in out.text
    assert out.decode_errors == 1 and out.warnings


def test_legacy_encoding_without_utf8():
    assert decode("Größe zählt".encode("cp1252")).text == "Größe zählt"


def test_html_meta_charset_is_used():
    page = '<html><head><meta charset="iso-8859-7"></head><body>Καλημέρα</body></html>'
    assert "Καλημέρα" in decode(page.encode("iso-8859-7")).text


def test_invisible_and_odd_spaces_are_normalised():
    assert normalize("a\u00a0b\u200bc\u202fd\x00e\x07f") == "a bc def"
    assert normalize("e\u0301") == "é"  # NFC


@pytest.mark.parametrize("data, kind", [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG image"),
    (b"%PDF-1.7\n%\xe2\xe3", "PDF document"),
    (b"abc\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00" * 20, "NUL bytes"),
])
def test_binary_is_refused_with_its_kind(data, kind):
    with pytest.raises(InputError, match=kind) as info:
        decode(data, name="photo.txt")
    assert info.value.one_line().startswith("photo.txt: binary input")


def test_gzip_payload_is_decompressed():
    assert decode(gzip.compress(GERMAN.encode())).text == GERMAN


def test_broken_gzip_is_an_input_error():
    with pytest.raises(InputError, match="broken gzip"):
        decode(b"\x1f\x8b\x08\x00garbage that is not deflate data")


def test_truncated_gzip_keeps_what_it_can_with_a_warning():
    text = GERMAN * 200
    out = decode(gzip.compress(text.encode())[:-40])
    assert text.startswith(out.text[:1000]) and out.warnings == ["gzip data is truncated; cleaned what could be read"]


def test_size_limit():
    with pytest.raises(InputError, match=r"input too large \(0.0 MB > 0.0 MB\)"):
        decode(b"x" * 50, max_bytes=10)
