"""Bytes to clean Unicode text: encodings, BOMs, line endings, invisible characters.

The chain (see FIELD-NOTES A6): byte-order mark; UTF-16/32 recognised by their NUL pattern;
binary refusal; gzip and zstd payloads decompressed; strict UTF-8; mostly-UTF-8 decoded line by
line, the bad bytes of a bad line decoded as cp1252 (whole-document guessers garble such text, and
decoding the whole line as cp1252 would garble its good UTF-8); an HTML meta charset; cp1252 as the
last resort. Then normalisation: LF line endings, NFC, no control
characters, no zero-width characters, ordinary spaces for the exotic ones.
"""

from __future__ import annotations

import codecs
import gzip
import re
import unicodedata
import zlib
from dataclasses import dataclass, field

from .errors import InputError

DEFAULT_MAX_BYTES = 20_000_000

_MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x7fELF", "executable"),
    (b"RIFF", "RIFF media file"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"OggS", "Ogg media file"),
    (b"ID3", "MP3 audio"),
    (b"\x00\x00\x00\x18ftyp", "MP4 video"),
    (b"\x00\x00\x00\x20ftyp", "MP4 video"),
]

_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
# Characters normalize() replaces: a tab and odd spaces become a space, Unicode line breaks a
# newline; controls (C0 but TAB and LF, DEL, C1) and zero-width spaces are removed. ZWNJ and ZWJ
# stay: Persian, Indic scripts and emoji need them.
_REPLACEMENT = {"\t": " ", "\u2028": "\n", "\u2029": "\n", "\x85": "\n"}
_REPLACEMENT.update({ch: " " for ch in "\u00a0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200b)))})
_SPECIAL = re.compile("[\t\u2028\u2029\x85\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\u2060\ufeff\u00ad"
                      "\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f]")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13))  # ASCII whitespace is text


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)
    decode_errors: int = 0


def decode(data: bytes | str, *, name: str = "<input>", max_bytes: int = DEFAULT_MAX_BYTES) -> Decoded:
    """Turn raw input into normalised text, or raise InputError naming `name`."""
    if max_bytes and len(data) > max_bytes:  # for str: characters, which is never more than its UTF-8 bytes
        raise InputError(f"input too large ({_mb(len(data))} > {_mb(max_bytes)})", path=name,
                         hint="raise the limit with --max-bytes")
    if isinstance(data, str):
        return Decoded(normalize(data), "str")
    notes = []
    if data[:2] == b"\x1f\x8b":
        data, complete = _gunzip(data, name, max_bytes)
        if not complete:
            notes.append("gzip data is truncated; cleaned what could be read")
    elif data[:4] == _ZSTD_MAGIC:
        data = _unzstd(data, name, max_bytes)
    text, encoding, warnings, errors = _to_str(data, name)
    return Decoded(normalize(text), encoding, notes + warnings, errors)


def normalize(text: str) -> str:
    """LF line endings, no control or zero-width characters, ordinary spaces, NFC; one regex pass."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPECIAL.sub(_replace_special, text)
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _replace_special(m: re.Match) -> str:
    return _REPLACEMENT.get(m.group(), "")


def _to_str(data: bytes, name: str) -> tuple[str, str, list[str], int]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding), encoding, [], 0
            except UnicodeDecodeError:
                if encoding.startswith("utf-32"):
                    continue  # FF FE 00 00 is also a UTF-16-LE BOM followed by U+0000
                return data[len(bom):].decode(encoding, errors="replace"), encoding, [], 0
    _refuse_magic(data, name)  # before the NUL-pattern sniffing: an MP4 header looks like UTF-32-BE
    utf16 = _sniff_utf16_32(data)
    if utf16:
        text = data.decode(utf16, errors="replace")
        sample = text[:4096]
        odd = sum(1 for ch in sample if (ch < " " and ch not in "\t\n\r\x0b\x0c") or ch == "\ufffd")
        if odd > len(sample) // 10:  # an array of small integers has the NUL pattern too
            raise InputError("binary input (NUL bytes)", path=name, hint="artclean reads text or HTML")
        return text, utf16, [], 0
    _refuse_binary(data, name)
    try:
        return data.decode("utf-8"), "utf-8", [], 0
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data)
    if _has_utf8_multibyte(data):
        # Mostly UTF-8 with a few bad bytes: decode line by line so one bad byte garbles one line at most.
        out, bad = [], 0
        fallback = declared or "cp1252"
        errors = _byte_fallback(fallback)
        for line in data.split(b"\n"):
            try:
                out.append(line.decode("utf-8"))
            except UnicodeDecodeError:
                bad += 1
                out.append(line.decode("utf-8", errors=errors) if errors else line.decode(fallback, errors="replace"))
        return "\n".join(out), "utf-8", [f"{bad} line(s) not valid UTF-8, decoded as {declared or 'cp1252'}"], bad
    if declared:
        return data.decode(declared, errors="replace"), declared, [], 0
    return data.decode("cp1252", errors="replace"), "cp1252", [], 0


def _byte_fallback(encoding: str) -> str | None:
    """The name of a codec error handler that decodes the bytes UTF-8 rejects with `encoding`, so a line
    holding good UTF-8 and a few cp1252 bytes ("Für" and "Gr\\xfc\\xdfe") keeps both; None when
    `encoding` is not a single-byte code page (a lone byte of Shift-JIS means nothing)."""
    handler = f"artclean-{encoding}"
    if handler not in _FALLBACKS:
        try:
            single = len(bytes(range(256)).decode(encoding, errors="replace")) == 256
        except (LookupError, ValueError):
            single = False
        if single:
            def fallback(exc: UnicodeDecodeError, encoding=encoding):
                return exc.object[exc.start:exc.end].decode(encoding, errors="replace"), exc.end

            codecs.register_error(handler, fallback)
        _FALLBACKS[handler] = single
    return handler if _FALLBACKS[handler] else None


_FALLBACKS: dict[str, bool] = {}


def _has_utf8_multibyte(data: bytes) -> bool:
    return re.search(rb"[\xc2-\xf4][\x80-\xbf]", data[:1_000_000]) is not None


def _declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return None if name in ("utf-8", "utf8") else name


def _sniff_utf16_32(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    if len(sample) % 2:
        sample = sample[:-1]
    evens, odds = sample[0::2], sample[1::2]
    half = len(sample) // 2
    if len(sample) >= 8:
        sample = sample[:len(sample) - len(sample) % 4]
        quarter = len(sample) // 4
        # UTF-32: the top byte of every code unit is 0, the next one nearly always (all of the BMP)
        if not sample[3::4].strip(b"\0") and sample[2::4].count(0) > 0.9 * quarter and \
                sample[0::4].count(0) < 0.5 * quarter:
            return "utf-32-le"
        if not sample[0::4].strip(b"\0") and sample[1::4].count(0) > 0.9 * quarter and \
                sample[3::4].count(0) < 0.5 * quarter:
            return "utf-32-be"
    if odds.count(0) > 0.4 * half and evens.count(0) < 0.05 * half:
        return "utf-16-le"
    if evens.count(0) > 0.4 * half and odds.count(0) < 0.05 * half:
        return "utf-16-be"
    return None


def _refuse_magic(data: bytes, name: str) -> None:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"binary input ({kind})", path=name, hint="artclean reads text or HTML")


def _refuse_binary(data: bytes, name: str) -> None:
    sample = data[:8192]
    if b"\0" in sample and sample.count(0) > max(8, len(sample) // 100):
        raise InputError("binary input (NUL bytes)", path=name, hint="artclean reads text or HTML")
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if sample and controls > len(sample) // 20:  # text has next to none; random bytes have ~10%
        raise InputError("binary input (control bytes)", path=name, hint="artclean reads text or HTML")


def _gunzip(data: bytes, name: str, max_bytes: int) -> tuple[bytes, bool]:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_bytes + 1 if max_bytes else 0)
    except (zlib.error, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"broken gzip data ({exc})", path=name) from None
    if max_bytes and len(out) > max_bytes:
        raise InputError(f"input too large once decompressed (> {_mb(max_bytes)})", path=name,
                         hint="raise the limit with --max-bytes")
    if not inflater.eof and not out:
        raise InputError("broken gzip data", path=name)
    return out, inflater.eof


def _unzstd(data: bytes, name: str, max_bytes: int) -> bytes:
    """A zstd payload, decompressed with whichever zstd module there is (compression.zstd from
    Python 3.14, the backports.zstd package, or zstandard); none is a dependency of artclean."""
    limit = max_bytes + 1 if max_bytes else -1
    try:
        try:
            from compression import zstd  # type: ignore[import-not-found]
        except ImportError:
            from backports import zstd  # type: ignore[import-not-found,no-redef]
        errors: tuple = (zstd.ZstdError, EOFError, ValueError)
        try:
            out = zstd.ZstdDecompressor().decompress(data, max_length=limit)
        except errors as exc:
            raise InputError(f"broken zstd data ({exc})", path=name) from None
    except ImportError:
        try:
            import io

            import zstandard  # type: ignore[import-not-found]
        except ImportError:
            raise InputError("zstd-compressed input, and no zstd module to read it", path=name,
                             hint="pip install backports.zstd (or zstandard), or decompress it first") from None
        try:
            with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)) as reader:
                out = reader.read(limit)
        except (zstandard.ZstdError, EOFError, ValueError) as exc:
            raise InputError(f"broken zstd data ({exc})", path=name) from None
    if max_bytes and len(out) > max_bytes:
        raise InputError(f"input too large once decompressed (> {_mb(max_bytes)})", path=name,
                         hint="raise the limit with --max-bytes")
    return out


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"
