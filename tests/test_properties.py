"""Property tests (hypothesis) over `artclean.clean()`: the contract every input must keep.

Documents are built from realistic pieces (paragraphs in each pack language, the packs' own `drop`
examples, bylines, datelines, captions with credits, list items, blank lines) mixed with random
text, and also from random text and random bytes alone.

Properties (documented exceptions in brackets):

1. never raises anything but ArtcleanError (text, bytes, HTML-ish text, realistic documents);
2. idempotent: cleaning the text rendering of an Article again gives the same rendering and headline
   [`to_text()` keeps a bullet on list items (they came back as plain lines and short ones were
   dropped before); a bulleted line is never the headline or the lead (both were bugs, each now a
   test below). Left out: a scrape whose language was not recognised (too few function words) when
   its cleaned text is, since the second pass then applies a language pack the first did not];
3. never invents text: every output field is a substring of one normalised input line
   (decode(...).text, whitespace collapsed) [the date is derived; list items lose their bullet,
   bylines and credits their marker, and both are still substrings; a line with inline removals
   is checked piece by piece: the kept text must be the line minus the cut spans];
4. order kept: lead and body blocks come in input order;
5. every non-blank input line is accounted for: each of its blocks has a content label and reaches
   an output field, or is in `removed` with a rule or feature id;
6. the same Article whatever the encoding (UTF-8, UTF-8/16/32 with a BOM, UTF-16 LE/BE and UTF-32
   without one), line endings (LF, CRLF, CR) and trailing whitespace [BOM-less UTF-16/32 is
   recognised by its NUL pattern, so only for mostly-ASCII text of some length: checked on the
   realistic documents, not on random Unicode];
7. identical batch outputs for `--jobs 1` and `--jobs 2`, and for the Dask engine (`artclean.dask.run_dask`,
   JSONL shards only; skipped without the `dask` extra);
8. whitespace-only input (any mix of spaces, NBSP, zero-width and ideographic spaces, line breaks)
   is the documented InputError("empty input ...").

CI runs few examples (profile "ci"); `HYPOTHESIS_PROFILE=nightly pytest tests/test_properties.py`
runs many more.
"""

from __future__ import annotations

import html as htmllib
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, note, settings
from hypothesis import strategies as st

from artclean import ArtcleanError, InputError, clean
from artclean.decode import decode
from artclean.model import (BODY, BOILERPLATE, BYLINE, CAPTION, CREDIT, DATE, HEADLINE, LIST_ITEM, QUOTE, RELATED,
                            SUBHEADING)
from artclean.pipeline import get_library
from artclean.rulepack import norm

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"

_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
         HealthCheck.large_base_example]
# ci is derandomized: the same examples on every run, so a landing never fails on a case found by chance;
# nightly (HYPOTHESIS_PROFILE=nightly) explores new ones.
settings.register_profile("ci", max_examples=40, deadline=None, suppress_health_check=_SLOW, print_blob=True,
                          derandomize=True)
settings.register_profile("nightly", max_examples=1500, deadline=None, suppress_health_check=_SLOW,
                          print_blob=True)
settings.register_profile("dev", max_examples=10, deadline=None, suppress_health_check=_SLOW)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
NIGHTLY = os.environ.get("HYPOTHESIS_PROFILE") == "nightly"


def examples(ci: int, nightly: int) -> int:
    """max_examples for an expensive test: `ci` in CI, `nightly` at night (never more than the profile's)."""
    return min(nightly if NIGHTLY else ci, settings().max_examples)


CONTENT_LABELS = {HEADLINE, CAPTION, CREDIT, BYLINE, DATE, BODY, SUBHEADING, QUOTE, LIST_ITEM, RELATED}
BODY_LABELS = {BODY, SUBHEADING, QUOTE, LIST_ITEM}

# ---------------------------------------------------------------- realistic pieces

# Paragraphs for the pack languages without a fixture article.
EXTRA_PARAGRAPHS = {
    "it": [
        "Il consiglio comunale ha approvato ieri sera il nuovo piano per il trasporto pubblico, che prevede "
        "tre linee di autobus elettrici e una pista ciclabile lungo il fiume entro la fine del 2026.",
        "Secondo il sindaco, il progetto costerà circa dodici milioni di euro e sarà finanziato in gran parte "
        "con i fondi europei. L'opposizione ha chiesto più tempo per esaminare i conti.",
        "«Non possiamo più aspettare», ha detto l'assessore alla mobilità durante la conferenza stampa di "
        "questa mattina, ricordando che il traffico in centro è aumentato del venti per cento.",
    ],
    "nl": [
        "De gemeenteraad heeft gisteravond ingestemd met het nieuwe plan voor het openbaar vervoer. Er komen "
        "drie elektrische buslijnen en een fietspad langs de rivier, dat eind 2026 klaar moet zijn.",
        "Volgens de burgemeester kost het project ongeveer twaalf miljoen euro. Het grootste deel wordt betaald "
        "uit Europese fondsen, maar de oppositie wil eerst de begroting zien.",
        "\u201eWe kunnen niet langer wachten\u201d, zei de wethouder op de persconferentie van vanochtend. Het "
        "verkeer in het centrum is volgens haar met twintig procent toegenomen.",
    ],
    "pl": [
        "Rada miasta przyjęła wczoraj wieczorem nowy plan transportu publicznego. Powstaną trzy linie "
        "autobusów elektrycznych oraz ścieżka rowerowa wzdłuż rzeki, która ma być gotowa do końca 2026 roku.",
        "Według burmistrza projekt będzie kosztował około dwunastu milionów złotych i zostanie w dużej części "
        "sfinansowany z funduszy unijnych. Opozycja chce najpierw zobaczyć budżet.",
        "\u201eNie możemy dłużej czekać\u201d \u2013 powiedziała zastępczyni burmistrza na porannej konferencji "
        "prasowej, przypominając, że ruch w centrum wzrósł o dwadzieścia procent.",
    ],
    "pt": [
        "A câmara municipal aprovou ontem à noite o novo plano de transportes públicos, que prevê três linhas "
        "de autocarros elétricos e uma ciclovia ao longo do rio até ao final de 2026.",
        "Segundo o presidente da câmara, o projeto vai custar cerca de doze milhões de euros e será financiado "
        "em grande parte por fundos europeus. A oposição pediu mais tempo para analisar as contas.",
        "\u201cNão podemos esperar mais\u201d, afirmou a vereadora da mobilidade na conferência de imprensa desta "
        "manhã, lembrando que o trânsito no centro aumentou vinte por cento.",
    ],
}
EXTRA_HEADLINES = {
    "it": ["Via libera al piano per i bus elettrici e la nuova pista ciclabile"],
    "nl": ["Gemeenteraad stemt in met elektrische bussen en nieuw fietspad"],
    "pl": ["Rada miasta przyjęła plan autobusów elektrycznych i nowej ścieżki rowerowej"],
    "pt": ["Câmara aprova plano de autocarros elétricos e nova ciclovia"],
}
BULLETS = ("• ", "- ", "* ", "– ")
_BULLET = re.compile(r"^(?:[•\-*–·▪►→✓o])\s+")  # what segment takes off a list item


@lru_cache(maxsize=1)
def pieces() -> dict:
    """Per language: paragraphs, headlines, list items, drop examples, byline/date/credit lines."""
    out: dict[str, dict[str, list[str]]] = {}

    def bucket(lang):
        return out.setdefault(lang, {"para": [], "head": [], "item": [], "drop": [], "byline": [], "date": [],
                                     "credit": []})

    for path in sorted(FIXTURES.glob("*.txt")):
        lang = path.name.split("-")[1]
        lines = path.read_text(encoding="utf-8").splitlines()
        b = bucket(lang)
        b["head"].append(lines[0])
        b["para"].extend(line for line in lines if len(line) >= 100 and line.rstrip()[-1:] in ".!?\"”»")
        b["item"].extend(line for line in lines if line.startswith(BULLETS))
    for lang, paras in EXTRA_PARAGRAPHS.items():
        bucket(lang)["para"].extend(paras)
        bucket(lang)["head"].extend(EXTRA_HEADLINES[lang])
    generic = {"drop": [], "credit": []}
    for pack in get_library().packs:
        if pack.kind == "site":
            continue
        target = generic if pack.applies_all else bucket(pack.language)
        for rule in pack.rules:
            target["drop"].extend(e for e in rule.examples.get("drop", []) if isinstance(e, str))
            if rule.action == "label" and rule.label in ("byline", "date", "credit"):
                for e in rule.examples.get("label", []):
                    target.setdefault(rule.label, []).append(e["text"] if isinstance(e, dict) else e)
    for lang, b in out.items():
        b["drop"] += generic["drop"]
        b["credit"] += generic["credit"]
        if not b["item"]:
            b["item"] = ["• " + p.split(". ")[0].rstrip(".") + "." for p in b["para"]]
    return {lang: {k: sorted(set(v)) for k, v in b.items()} for lang, b in out.items() if b["para"]}


LANGS = sorted(pieces())
LINE_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
noise_line = st.text(LINE_CHARS, max_size=60)


@st.composite
def article_lines(draw, lang=None, noise=True) -> list[str]:
    """The lines of a scraped article in one pack language: a header, body pieces, boilerplate."""
    lang = lang or draw(st.sampled_from(LANGS))
    p = pieces()[lang]
    lines: list[str] = []
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(p["head"])))
    if p["byline"] and draw(st.booleans()):
        lines.append(draw(st.sampled_from(p["byline"])))
    if p["date"] and draw(st.booleans()):
        lines.append(draw(st.sampled_from(p["date"])))
    kinds = ["para", "para", "para", "drop", "blank", "caption", "item"] + (["noise"] if noise else [])
    for kind in draw(st.lists(st.sampled_from(kinds), min_size=1, max_size=10)):
        if kind == "blank":
            lines.append("")
        elif kind == "caption":
            sentence = draw(st.sampled_from(p["para"])).split(". ")[0].rstrip(".") + "."
            lines.append(sentence)
            if p["credit"]:
                lines.append(draw(st.sampled_from(p["credit"])))
        elif kind == "noise":
            lines.append(draw(noise_line))
        else:
            lines.append(draw(st.sampled_from(p[kind])))
    if draw(st.booleans()):  # blank lines between paragraphs, as most scrapes have them
        lines = [x for line in lines for x in (line, "")]
    return lines


realistic_text = article_lines().map("\n".join)
random_text = st.lists(noise_line, min_size=1, max_size=12).map("\n".join)
any_text = st.one_of(realistic_text, random_text)


@st.composite
def html_pages(draw) -> str:
    """An HTML page: a nav, an <article> with h1, paragraphs, a figure, a list; a footer; text escaped."""
    lang = draw(st.sampled_from(LANGS))
    p = pieces()[lang]
    e = htmllib.escape
    head = draw(st.sampled_from(p["head"]))
    parts = [f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{e(head)} | Zeitung</title>"
             "</head><body>"]
    if draw(st.booleans()):
        parts.append("<nav><ul>" + "".join(f"<li><a href='/{i}'>{e(x)}</a></li>" for i, x in
                                           enumerate(draw(st.lists(st.sampled_from(p["drop"]), max_size=5))))
                     + "</ul></nav>")
    parts.append(f"<article><h1>{e(head)}</h1>")
    for kind in draw(st.lists(st.sampled_from(["p", "p", "p", "figure", "ul", "drop", "noise"]), min_size=1,
                              max_size=8)):
        if kind == "p":
            parts.append(f"<p>{e(draw(st.sampled_from(p['para'])))}</p>")
        elif kind == "figure":
            cap = draw(st.sampled_from(p["para"])).split(". ")[0].rstrip(".") + "."
            credit = draw(st.sampled_from(p["credit"] or ["Foto: dpa"]))
            parts.append(f"<figure><img src='a.jpg'><figcaption>{e(cap)} {e(credit)}</figcaption></figure>")
        elif kind == "ul":
            items = draw(st.lists(st.sampled_from(p["item"]), min_size=1, max_size=3))
            parts.append("<ul>" + "".join(f"<li>{e(i.lstrip('•-*– '))}</li>" for i in items) + "</ul>")
        elif kind == "drop":
            parts.append(f"<div>{e(draw(st.sampled_from(p['drop'])))}</div>")
        else:
            parts.append(f"<p>{e(draw(noise_line))}</p>")
    parts.append("</article>")
    if draw(st.booleans()):
        parts.append(f"<footer><p>{e(draw(st.sampled_from(p['drop'])))}</p></footer>")
    parts.append("</body></html>")
    return "\n".join(parts)


# ---------------------------------------------------------------- helpers


def try_clean(source, **kw):
    """clean(), or None for the documented refusals; anything else propagates and fails the test."""
    try:
        return clean(source, **kw)
    except ArtcleanError:
        return None


def input_lines(source) -> list[str]:
    """The normalised input lines every output field is compared against."""
    return [norm(line) for line in decode(source).text.split("\n")]


def html_view(page: str) -> list[str]:
    """The text of a generated page, one entry per element (tags are element boundaries)."""
    text = decode(page).text
    text = re.sub(r"<(script|style)\b.*?</\1>", "\n", text, flags=re.S | re.I)
    return [norm(htmllib.unescape(part)) for part in re.split(r"<[^>]*>", text)]


def kept_pieces(block) -> list[str]:
    """The pieces of a line that survive its inline removals, cut where the removed spans were."""
    remaining = block.original
    for cut, _rule in block.inline_removed:
        at = remaining.find(cut)
        assert at >= 0, f"removed text {cut!r} is not in the line {remaining!r}"
        remaining = remaining[:at] + "\0" + remaining[at + len(cut):]
    return [norm(p) for p in remaining.split("\0") if norm(p)]


def output_fields(art) -> list[tuple[str, str]]:
    fields = []
    for name in ("headline", "byline", "lead"):
        if getattr(art, name):
            fields.append((name, getattr(art, name)))
    for cap in art.captions:
        fields.append(("caption", cap.text))
        if cap.credit:
            fields.append(("credit", cap.credit))
    fields += [(f"body[{i}]", b.text) for i, b in enumerate(art.body)]
    fields += [("related", r) for r in art.related]
    for key in ("byline_text", "date_text"):
        if art.meta.get(key):
            fields.append((f"meta.{key}", art.meta[key]))
    return fields


def assert_never_invents(art, lines: list[str]) -> None:
    inline = {}
    for b in art.blocks:
        if b.inline_removed and b.original:
            pieces_ = kept_pieces(b)
            assert b.text == norm(" ".join(pieces_)), (b.text, b.original, b.inline_removed)
            inline[b.text] = inline[_BULLET.sub("", b.text)] = pieces_
    for name, value in output_fields(art):
        candidates = inline.get(value) or [value]
        for piece in candidates:
            assert any(piece in line for line in lines), f"{name} {value!r}: {piece!r} is not in the input"


@pytest.mark.xfail(strict=True, reason="a run that ends on a repeated paragraph keeps the short lines before it "
                   "once the repeat is dropped; the second pass ends the run earlier (known, not fixed yet)")
def test_a_run_that_ended_on_a_repeat_gives_the_same_text_twice():
    para = ("Aus dem Stadtmuseum sind in der Nacht zum Montag 37 Goldmünzen gestohlen worden. Die Täter kamen "
            "offenbar über ein Baugerüst an der Rückseite des Gebäudes in die Ausstellungsräume.")
    once = text_with_bullets(clean("\n".join([para] * 5 + ["0", para, "• Aktuelle Warnungen in der Warn-App verfolgen."])))
    assert text_with_bullets(clean(once)) == once


def text_with_bullets(art) -> str:
    """`Article.to_text()`, but a list item keeps a bullet (what to_text should do: see the xfail test)."""
    parts = [p for p in [art.headline, art.lead] if p]
    parts.extend(("• " + b.text) if b.type == "list_item" else b.text for b in art.body)
    return "\n\n".join(parts) + "\n" if parts else ""


def contract(art) -> dict:
    """The JSON contract without what legitimately differs between encodings of one text."""
    data = art.to_dict()
    data["meta"].pop("encoding", None)
    return data


# ---------------------------------------------------------------- 1. never raises


@given(st.binary(max_size=3000))
@example(b"")
@example(b"\x1f\x8b\x08\x00\x00\x00\x00\x00")
@example(b"\x28\xb5\x2f\xfd\x00\x00")
@example(b"\xff\xfe")
@example(b"\xfe\xff\x00")
@example(b"\x00\x00\xfe\xff")
@example(b"<html>\x00<body>\xff</body>")
def test_random_bytes_clean_or_raise_artclean_error(data):
    try_clean(data)


@given(st.text(max_size=2000), st.sampled_from(["auto", "text", "html"]))
@example("\ud800 lone surrogate", "html")
@example("<" * 50, "html")
@example("\u2028\u2029\x85", "text")
def test_random_text_clean_or_raise_artclean_error(text, mode):
    try_clean(text, input=mode)


@given(realistic_text, st.binary(max_size=20), st.integers(min_value=0))
def test_realistic_documents_with_random_bytes_spliced_in(text, junk, where):
    data = text.encode("utf-8")
    at = where % (len(data) + 1)
    try_clean(data[:at] + junk + data[at:])


@given(html_pages(), st.integers(min_value=0), st.integers(min_value=0, max_value=40))
def test_html_cut_or_damaged_anywhere_never_raises(page, where, length):
    at = where % (len(page) + 1)
    damaged = page[:at] + page[at + length:]  # unclosed tags, half entities, lost closers
    try_clean(damaged)
    try_clean(damaged, input="html")


# ---------------------------------------------------------------- 2. idempotence


@given(realistic_text)
# Found by this test: the English note outweighed the one Dutch paragraph in language detection, so the
# Dutch byline became the headline; without the note (in the output) it was a byline (fixed in pipeline.py).
@example("Auteur: Jan de Vries\n• Volgens de burgemeester kost het project ongeveer twaalf miljoen euro.\n"
         "These are external links and will open in a new window")
# Found by this test: a short line between repeats of one paragraph stayed as the article's last line
# once the repeats were dropped, and went in the second pass (repeats are now dropped before labelling).
@example("\n".join(["Aus dem Stadtmuseum sind in der Nacht zum Montag 37 Goldmünzen gestohlen worden, teilte "
                   "die Polizei mit."] * 3 + ["0", "Aus dem Stadtmuseum sind in der Nacht zum Montag 37 "
                                                "Goldmünzen gestohlen worden, teilte die Polizei mit."]))
# Found by this test: a paragraph repeated above a copyright line and below it was kept as a standfirst
# above the article and again in it; the second pass dropped the repeat (standfirsts now skip repeats).
@example("\n".join(["Rada miasta przyjęła plan autobusów elektrycznych"] + ["Rada miasta przyjęła wczoraj nowy plan "
                   "transportu publicznego, który ma być gotowy do końca 2026 roku."] * 3 + [
                   "© 2020 Example Media Limited. All rights reserved."] + ["Rada miasta przyjęła wczoraj nowy "
                   "plan transportu publicznego, który ma być gotowy do końca 2026 roku."] * 4))
def test_cleaning_the_text_output_again_changes_nothing(text):
    art = try_clean(text)
    assume(art is not None)
    # a bulleted line as the headline or the lead: segment.py bugs, pinned by the xfail tests below
    assume(not _BULLET.match(art.headline or "") and not _BULLET.match(art.lead or ""))
    once = text_with_bullets(art)
    assume(once)
    again = clean(once)
    note(f"first text rendering:\n{once}")
    # Too few function words to recognise a language in the scrape, enough once its boilerplate is
    # gone: the second pass applies a language pack the first did not (a dateline becomes a date).
    assume(art.meta["language"] is not None or again.meta["language"] is None)
    assert text_with_bullets(again) == once
    assert again.headline == art.headline


def test_to_text_round_trip_keeps_list_items():
    art = clean((FIXTURES / "ouestmatin-fr-greve-transports.txt").read_bytes())
    once = art.to_text()
    assert clean(once).to_text() == once


def test_a_list_item_is_never_the_headline():
    art = clean("- Alder County Fairgrounds, large animals only\nA short caption line.\n(AP Photo/Evan Vucci)\n"
                "\"It came over that hill faster than anything I've ever seen,\" said Mike Delgado, 64, who fled with "
                "his wife, two dogs and a box of family photos.")
    assert not _BULLET.match(art.headline or "")


def test_a_list_item_is_never_the_lead():
    quote = ("\"It came over that hill faster than anything I've ever seen,\" said Mike Delgado, 64, who fled with "
             "his wife, two dogs and a box of family photos.")
    art = clean("\n".join([
        "Veridian delays $9 billion chip plant in Ohio, citing weak demand and slow subsidies",
        "- Hiring for about 1,500 factory jobs will be spread over five years instead of two.",
        "0", quote, "(AP Photo/Evan Vucci)", quote + " \"We had maybe 10 minutes.\""]))
    assert not _BULLET.match(art.lead or "")


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.txt")) + sorted(FIXTURES.glob("*.html")),
                         ids=lambda p: p.name)
def test_fixtures_are_idempotent(path):
    once = text_with_bullets(clean(path.read_bytes(), name=path.name))
    assert text_with_bullets(clean(once)) == once


# ---------------------------------------------------------------- 3-5. no invention, order, accounting


def check_text_article(art, lines: list[str]) -> None:
    assert_never_invents(art, lines)
    # 4. order: lead and body blocks in reading order, and art.body is exactly those blocks
    content = [b for b in art.blocks if b.label in BODY_LABELS]
    assert [b.line for b in content] == sorted(b.line for b in content)
    texts = ([art.lead] if art.lead else []) + [b.text for b in art.body]
    assert len(texts) == len(content)
    for text, b in zip(texts, content):
        assert b.text.endswith(text), (text, b.text)
    # 5. every non-blank line: its blocks are content that reached the output, or removed with an id
    removed = {(r.line, r.text): r.rule for r in art.removed}
    by_line: dict[int, list] = {}
    for b in art.blocks:
        by_line.setdefault(b.line, []).append(b)
    outputs = {v for _, v in output_fields(art)}
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        assert by_line.get(number), f"line {number} {line!r} has no block"
        for b in by_line[number]:
            for cut, rule in b.inline_removed:
                if b.label != BOILERPLATE:
                    assert removed.get((number, cut)) == rule
            if b.label == BOILERPLATE:
                rule = removed.get((number, b.original or b.text))
                assert rule and rule != "feature:unknown" and rule == b.rule, (number, b.text, b.rule)
                continue
            assert b.label in CONTENT_LABELS, f"line {number} {b.text!r} has label {b.label!r}"
            if b.label in BODY_LABELS or b.label == HEADLINE:
                assert any(b.text.endswith(o) for o in outputs if o), (b.label, b.text)


INLINE_PACK = """\
pack: t
applies_to: {all: true}
rules:
  - id: t.share
    action: drop-inline
    match: {contains: ["jetzt teilen"]}
    examples:
      inline:
        - {text: "Ein Satz.Jetzt teilen", result: "Ein Satz."}
"""


def test_an_inline_cut_after_a_letter_that_casefolds_longer_cuts_the_right_span(tmp_path):
    pack = tmp_path / "inline.yaml"
    pack.write_text(INLINE_PACK, encoding="utf-8")
    line = "Die Straße ist wegen des Hochwassers seit dem Morgen gesperrt, sagt die Polizei.Jetzt teilen"
    art = clean(line + "\n", rules=[pack], lang="de")
    block = next(b for b in art.blocks if b.original == line)
    assert block.inline_removed == [("Jetzt teilen", "t.share")]
    assert block.text == line[:-len("Jetzt teilen")]


@given(any_text)
def test_text_input_never_invents_keeps_order_and_accounts_for_every_line(text):
    art = try_clean(text, input="text")
    assume(art is not None)
    check_text_article(art, input_lines(text))


@given(realistic_text.map(lambda t: t.encode("utf-8")), st.sampled_from([b"\n", b"\r\n", b"\r"]))
def test_bytes_input_with_any_line_ending_accounts_for_every_line(data, newline):
    data = data.replace(b"\n", newline)
    art = try_clean(data)
    assume(art is not None)
    check_text_article(art, input_lines(data))


@given(html_pages())
def test_html_input_never_invents_text(page):
    art = try_clean(page)
    assume(art is not None)
    assert art.meta["input"] == "html"
    assert_never_invents(art, html_view(page))
    positions = []
    whole = " \n ".join(html_view(page))
    at = 0
    for text in ([art.lead] if art.lead else []) + [b.text for b in art.body]:
        found = whole.find(text, at)
        assert found >= 0, f"{text!r} is out of order or not in the page"
        positions.append(found)
        at = found
    for b in art.blocks:
        if b.label == BOILERPLATE:
            assert b.rule and b.rule != "feature:unknown"
        elif b.text:
            assert b.label in CONTENT_LABELS, (b.text, b.label)


# ---------------------------------------------------------------- 6. encodings, BOMs, line endings


ENCODINGS_WITH_BOM = ["utf-8", "utf-8-sig", "utf-16", "utf-32"]
ENCODINGS_WITHOUT_BOM = ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]


@settings(max_examples=examples(25, 400))
@given(article_lines(noise=False), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
# Found by this test: BOM-less UTF-32 was recognised only when its first character was ASCII (fixed in decode.py).
@example(["„We kunnen niet langer wachten”, zei de wethouder op de persconferentie van vanochtend."], "\n", False)
def test_same_article_whatever_the_encoding_bom_and_line_endings(lines, newline, trailing):
    text = "\n".join(lines)
    reference = try_clean(text.encode("utf-8"))
    assume(reference is not None)
    variant = newline.join(line + ("  \t" if trailing else "") for line in lines)
    for encoding in ENCODINGS_WITH_BOM + ENCODINGS_WITHOUT_BOM:
        other = clean(variant.encode(encoding))
        assert contract(other) == contract(reference), encoding
    assert contract(clean(variant)) == contract(reference)  # str input


@settings(max_examples=examples(15, 300))
@given(html_pages(), st.sampled_from(["\n", "\r\n", "\r"]))
def test_same_html_article_whatever_the_encoding_and_line_endings(page, newline):
    reference = try_clean(page.encode("utf-8"))
    assume(reference is not None)
    variant = page.replace("\n", newline)
    for encoding in ["utf-8-sig", "utf-16", "utf-16-le", "utf-32-be"]:  # the page says utf-8: the BOM or NULs win
        assert contract(clean(variant.encode(encoding))) == contract(reference), encoding


@settings(max_examples=examples(25, 400))
@given(st.lists(noise_line, min_size=1, max_size=8), st.sampled_from(["\n", "\r\n", "\r"]))
# Found by this test: a UTF-16-LE BOM before U+0000 reads as a UTF-32-LE BOM (fixed in decode.py).
@example(["\x00\x80\u0800", "000"], "\n")
def test_random_text_same_article_with_a_bom_and_any_line_ending(lines, newline):
    reference = try_clean("\n".join(lines).encode("utf-8"))
    assume(reference is not None)
    for encoding in ENCODINGS_WITH_BOM:
        data = newline.join(lines).encode(encoding)
        if encoding == "utf-8":
            data = b"\xef\xbb\xbf" + data
        assert contract(clean(data)) == contract(reference), encoding


# ---------------------------------------------------------------- 8. whitespace only


WHITESPACE = st.text(st.sampled_from(" \t\n\r\u00a0\u200b\u2009\u202f\u3000\u2028\u2029\ufeff\x0b\x0c\x85"),
                     min_size=0, max_size=40)


@given(WHITESPACE, st.sampled_from(["utf-8", "utf-16", "str"]))
def test_whitespace_only_is_the_empty_input_error(text, encoding):
    source = text if encoding == "str" else text.encode(encoding)
    with pytest.raises(InputError, match="^empty input"):
        clean(source)


# ---------------------------------------------------------------- 7. --jobs 1, --jobs 2, Dask


def _tree_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.name.startswith(".artclean-manifest")}


documents = st.lists(st.one_of(realistic_text.map(str.encode), st.binary(max_size=200), html_pages().map(str.encode)),
                     min_size=1, max_size=6)


def _corpus(root: Path, docs: list[bytes]) -> Path:
    """Documents in a small tree, and the same texts as a JSONL shard with a bad line at the end."""
    import json

    src = root / "in"
    (src / "sub").mkdir(parents=True)
    for i, doc in enumerate(docs):
        (src / ("sub" if i % 2 else ".") / f"doc{i}.txt").write_bytes(doc)
    records = [{"id": i, "text": doc.decode("utf-8", "replace")} for i, doc in enumerate(docs)]
    (src / "recs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records) + "{bad json\n")
    return src


@settings(max_examples=examples(3, 40))
@given(docs=documents)
def test_batch_outputs_are_identical_for_jobs_1_and_2(docs):
    from artclean import batch

    with tempfile.TemporaryDirectory() as tmp:
        src = _corpus(Path(tmp), docs)
        outputs = {}
        for jobs in (1, 2):
            batch.run_batch([src], Path(tmp) / f"j{jobs}", batch.Options(fmt="json"), jobs=jobs)
            outputs[jobs] = _tree_files(Path(tmp) / f"j{jobs}")
        assert outputs[1] == outputs[2]
        assert "recs.jsonl" in outputs[1] and "errors.jsonl" in outputs[1]  # the bad line at least


@pytest.fixture(scope="module")
def dask_cluster():
    """The hook for the Dask engine (artclean.dask.run_dask): a two-worker local cluster, if Dask is there."""
    if not (NIGHTLY or os.environ.get("ARTCLEAN_SLOW_TESTS")):
        pytest.skip("a Dask cluster costs ~5 s: nightly only (test_dask covers the engine in CI)")
    pytest.importorskip("dask.bag")
    distributed = pytest.importorskip("distributed")
    try:
        from artclean.dask import run_dask  # noqa: F401
    except ImportError:
        pytest.skip("no Dask engine (artclean.dask.run_dask)")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster:
        yield cluster


@settings(max_examples=examples(2, 10))
@given(docs=documents)
def test_dask_engine_outputs_equal_jobs_1(dask_cluster, docs):
    from artclean import batch
    from artclean.dask import run_dask

    with tempfile.TemporaryDirectory() as tmp:
        shard = _corpus(Path(tmp), docs) / "recs.jsonl"  # the Dask engine takes JSONL shards
        batch.run_batch([shard], Path(tmp) / "local", batch.Options(fmt="json"), jobs=1)
        run_dask([shard], Path(tmp) / "dask", batch.Options(fmt="json"), scheduler=dask_cluster.scheduler_address)
        local, dask = _tree_files(Path(tmp) / "local"), _tree_files(Path(tmp) / "dask")
        assert local == dask and "recs.jsonl" in local
