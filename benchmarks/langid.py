#!/usr/bin/env python3
"""Accuracy of artclean's language detection on the text renderings of the shared corpora.

    python benchmarks/langid.py                     # all three corpora, a Markdown table on stdout
    python benchmarks/langid.py --corpus trafilatura-dev --errors

What is measured: `artclean.language.detect_language` over the blocks of each page's text rendering
(`html/*.txt.gz`, Chromium's innerText, not the inscriptis rendering), read exactly as `artclean FILE`
reads it (decode, read_text) with the profiles of the shipped language packs. The HTML is never shown
to the detector.

The true language of a page is the primary subtag of its `<html lang>` attribute, corrected by hand
where that attribute is missing or wrong. The URL's top-level domain was not used: a third of the
German pages are on .com/.org/.net/.eu, and .ch/.it/.se pages are German. The attribute alone is wrong
on about one page in twenty (German and Spanish pages with the template's `lang="en"`). Every page where
the attribute was missing, or disagreed with the language of the page's gold main text (the
trafilatura `with` segments, the scrapinghub `articleBody`, the wcxb `main_content`) as an independent
n-gram identifier (py3langid 0.4.0) saw it, was read by a person; the decisions are in OVERRIDES and
MISSING_DEFAULT below, so this script needs nothing but artclean.

A page whose language has no pack counts as right when the detector says None: that is the clean
fallback (generic rules only, with a warning), and naming a pack's language for it is the error.
Renderings with fewer words than the detector needs (language.MIN_WORDS; pages that render empty
without JavaScript) are counted apart: there is nothing to detect.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_CORPORA = REPO / ".." / "shared" / "corpora"
CORPORA = ("trafilatura-dev", "scrapinghub", "wcxb-dev")
_LANG_ATTR = re.compile(rb"<html\b[^>]*?[\s:]lang\s*=\s*[\"']?([A-Za-z]{2,3})(?![A-Za-z])", re.IGNORECASE)

# Pages whose <html lang> is missing or wrong, with the language a person read in their main text.
OVERRIDES: dict[str, dict[str, str]] = {
    "trafilatura-dev": {
        # no lang attribute
        **dict.fromkeys([
            "schleifen.ucoz.de.briefe", "love-hina.ch.0409", "hundeverein-kreisunna.de", "plentylife.blogspot.pamela-reif",
            "speicherguide.de.schwierige", "blogoff.de.i-htm", "buero-hoppe.de.baumgutachten", "together.ch.schaffhausen",
            "singapur-reiseinfo.de.abc", "netzfueralle.blog.rosalux.de.netzpolitik",
            "abookshelffullofsunshine.blogspot.com.interview", "derpapierplanet.de.juni", "whiskyverkostung.com.halle",
            "neos.eu.wir", "creativecommons.at.faircoin", "bigdata.ypart.eu.datenerhebung",
            "d60caba9d12c467b9708ec8981cad8aa", "archive.org.the-pain.net.silkroad", "finanztreff.de-Influencer",
            "coaching-magazin.de.transgenerationales-coaching", "couchstyle.de.vintage", "Volksstimme.ch-loehne",
            "jodel.com.advertising"], "de"),
        **dict.fromkeys([
            "luxuryhaven.co.hyatt", "phys.org.tool", "strangemachines.io.performant", "netbits.us.stunnel_rsync",
            "wevolver.com.3dprinting", "dailymail.co.uk.food", "economictimes.indiatimes.com.slideshow",
            "edition.cnn.com-royal", "phillyvoice.com-Sixers", "blog.python.org"], "en"),
        "xinhuanet.com.c_1125597921": "zh",
        "tdg.ch.chlorothalonil": "fr",
        "sportowefakty.wp.pl.falubaz": "pl",
        "pagina12.com.ar-suprema": "es",
        # lang="en" on pages in another language
        **dict.fromkeys([
            "simplyscience.ch.erdoel", "ahlen.de.reparaturcafe", "helge.at.mahu", "spontis.de.jahrzehnt",
            "murdeltas.wordpress.com.politcamp", "wolfgangschmale.eu.duchhardt", "feuerwehrtaucher-oldenburg.de.ausbildung",
            "rueda.wikidot.com.enchufla", "befifty.montauk", "vergleich.de.leasen", "archive.org.dzs-clan.de",
            "villagersandheroes.com.forums.patchnotes", "wildundhund.de-bonn", "djz.de-amoklauf", "mitvergnuegen.de.herbst",
            "groove.de-Anti-A100-Aktivist", "presse-ausburg.de-Tarifverbund", "volksblatt.at-Alkoholkonsum",
            "hr-innovation.org.enterprise"], "de"),
        **dict.fromkeys(["elenacional.com-carta", "ultimasnoticias.com.ve-ucraina", "elfaro.net-asamblea"], "es"),
        "ukbdnews.com.23646": "bn",
        "24ora.com-internationalschol": "pap",  # Papiamento
    },
    "scrapinghub": {
        **dict.fromkeys(["11ea381ad92b5448cf66eae62f52ac565361a244c8881615fc6a7bb523cc0c32",
                         "cc03ddb5ef7d5f1fdb8a87f5e6dfd058a2a70acedf2551655a898dc5c18eb79e",
                         "f6ac15a4d98511396da23e4428deb5605422b1c8bbc8284e771f6896bdccf57f"], "pt"),
        **dict.fromkeys(["57b4dafd18cfd0531b69f81e87158648227c673ef159f8d8c87d34e34bdb21f2",
                         "ba07d1e64775f4090e39116c382111f5a2cfe9528dd179673f4e9bfcea370c15"], "de"),  # lang="en"
        **dict.fromkeys(["f81c6c05d9cbc93316992fa23ef74ec405194e292611f2e94f6a814868903665",
                         "fde930b01859de8311c6a14f8aa8c72be0659b551367803deb6736cf3526cf2e"], "en"),  # lang="de"
    },
    "wcxb-dev": {},
}
# Pages without a lang attribute that are not in OVERRIDES: every one was read and is English.
MISSING_DEFAULT = {"trafilatura-dev": None, "scrapinghub": "en", "wcxb-dev": "en"}


def pages(root: Path, corpus: str) -> list[tuple[str, Path, Path]]:
    """(page id, html path, text-rendering path) for every page of a corpus."""
    d = root / corpus
    out = []
    if corpus == "trafilatura-dev":
        for g in json.loads((d / "evaldata.json").read_text(encoding="utf-8")).values():
            stem = os.path.splitext(g["file"])[0]
            out.append((stem, d / "html" / f"{g['file']}.gz", d / "html" / f"{stem}.txt.gz"))
    else:
        gold = "ground-truth.json" if corpus == "scrapinghub" else "gold.json"
        for pid in json.loads((d / gold).read_text(encoding="utf-8")):
            out.append((pid, d / "html" / f"{pid}.html.gz", d / "html" / f"{pid}.txt.gz"))
    return sorted(out)


def true_language(corpus: str, pid: str, html: bytes) -> str | None:
    if pid in OVERRIDES.get(corpus, {}):
        return OVERRIDES[corpus][pid]
    m = _LANG_ATTR.search(html[:200_000])
    return m.group(1).decode().lower() if m else MISSING_DEFAULT.get(corpus)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="folder with the corpora")
    ap.add_argument("--corpus", action="append", choices=CORPORA, help="only this corpus (repeatable)")
    ap.add_argument("--errors", action="store_true", help="list every misdetected page")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(REPO / "src"))
    from artclean.decode import decode
    from artclean.language import MIN_WORDS, _WORD, detect_language
    from artclean.read_text import read_text
    from artclean.rulepack import load_library

    profiles = load_library().languages()
    packs = sorted(profiles)
    total: dict[str, Counter] = defaultdict(Counter)  # truth -> Counter(predicted)
    errors: list[str] = []
    seconds, n = 0.0, 0
    empty: Counter = Counter()
    per_corpus: dict[str, list[int]] = {}
    for corpus in args.corpus or CORPORA:
        ok = cnt = 0
        listed = pages(args.corpora, corpus)
        unknown = set(OVERRIDES.get(corpus, {})) - {pid for pid, _, _ in listed}
        if unknown:
            print(f"warning: OVERRIDES names pages {corpus} does not have: {sorted(unknown)}", file=sys.stderr)
        for pid, html_path, text_path in listed:
            if not text_path.exists():
                errors.append(f"{corpus}/{pid}: no text rendering, skipped")
                continue
            truth = true_language(corpus, pid, gzip.open(html_path).read())
            if truth is None:
                errors.append(f"{corpus}/{pid}: no <html lang> and not in OVERRIDES, skipped")
                continue
            data = gzip.open(text_path).read()
            t0 = time.perf_counter()
            try:
                blocks = read_text(decode(data, name=str(text_path)).text)
            except Exception as exc:  # an input artclean refuses: counted as "no language"
                blocks = []
                errors.append(f"{corpus}/{pid}: {exc}")
            got, _conf = detect_language([b.text for b in blocks], profiles)
            seconds += time.perf_counter() - t0
            n += 1
            if sum(len(_WORD.findall(b.text)) for b in blocks) < MIN_WORDS:
                empty[corpus] += 1  # nothing to detect: not counted either way
                if args.errors:
                    errors.append(f"{corpus}/{pid}: the rendering has fewer than {MIN_WORDS} words, not counted")
                continue
            expected = truth if truth in profiles else None
            total[truth][got] += 1
            cnt += 1
            ok += got == expected
            if got != expected and args.errors:
                errors.append(f"{corpus}/{pid}: true {truth}, detected {got}")
        per_corpus[corpus] = [ok, cnt]

    print(f"Language detection on {n - sum(empty.values())} text renderings ({', '.join(args.corpus or CORPORA)}); packs: {', '.join(packs)}")
    print(f"mean time {1000 * seconds / max(n, 1):.2f} ms per page (decode + read + detect)")
    if empty:
        print(f"not counted: {sum(empty.values())} renderings with fewer than {MIN_WORDS} words "
              f"({', '.join(f'{k} {v}' for k, v in empty.items())})")
    print()
    cols = packs + [None]
    head = ["true language", "pages", "right", "accuracy"] + [f"→ {c or 'none'}" for c in cols]
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
    with_pack = [0, 0]
    without = [0, 0]
    order = sorted(total, key=lambda k: (k not in profiles, -sum(total[k].values()), k))
    for truth in order:
        row = total[truth]
        count = sum(row.values())
        right = row[truth if truth in profiles else None]
        bucket = with_pack if truth in profiles else without
        bucket[0] += right
        bucket[1] += count
        label = truth if truth in profiles else f"{truth} (no pack)"
        print("| " + " | ".join([label, str(count), str(right), f"{right / count:.3f}"]
                                + [str(row[c]) if row[c] else "" for c in cols]) + " |")
    print()
    if with_pack[1]:
        print(f"languages with a pack: {with_pack[0]}/{with_pack[1]} = {with_pack[0] / with_pack[1]:.3f}")
    if without[1]:
        print(f"languages without a pack (right = none, the generic fallback): {without[0]}/{without[1]} = "
              f"{without[0] / without[1]:.3f}")
    for corpus, (ok, cnt) in per_corpus.items():
        print(f"{corpus}: {ok}/{cnt} = {ok / max(cnt, 1):.3f}")
    for line in errors:
        print(line, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
