#!/usr/bin/env python3
"""Quality benchmark of artclean on the shared corpora (scrapinghub, trafilatura-dev, wcxb-dev).

    python benchmarks/quality.py                       # artclean, all corpora, html and text mode
    python benchmarks/quality.py --compare --jobs 2    # also trafilatura, jusText, readability-lxml
    python benchmarks/quality.py --corpus wcxb-dev --mode text --limit 50 --dump /tmp/dump

The metrics are the ones /work/shared/corpora/README.md defines (see benchmarks/_scores.py).
Competitors are optional: pip install -e .[bench]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import html as htmlmod
import importlib
import json
import logging
import os
import re
import shlex
import signal
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import _scores as S  # noqa: E402

CORPORA = ("scrapinghub", "trafilatura-dev", "wcxb-dev")
MODES = ("html", "text")
DEFAULT_CORPORA = REPO / ".." / "shared" / "corpora"
INSTALL_HINT = "pip install -e .[bench]   (from the repo root; installs trafilatura, justext, readability-lxml)"

# system key -> (display name, modes it runs in, needs)
SYSTEMS = {
    "artclean": ("artclean", ("html", "text")),
    "trafilatura": ("trafilatura", ("html",)),
    "justext": ("jusText", ("html", "text")),
    "readability": ("readability-lxml", ("html",)),
    "as-is": ("input as-is", ("text",)),
}
COMPETITORS = ("trafilatura", "justext", "readability", "as-is")
FIELD_SYSTEMS = ("artclean", "trafilatura")
PY_MODULE = {"trafilatura": "trafilatura", "justext": "justext", "readability": "readability"}
DIST_NAME = {"trafilatura": "trafilatura", "justext": "jusText", "readability": "readability-lxml",
             "artclean": "artclean"}


# --------------------------------------------------------------------------- corpora

@dataclass
class Page:
    corpus: str
    id: str
    url: str
    html_path: Path
    text_path: Path
    gold: dict

    def path(self, mode: str) -> Path:
        return self.html_path if mode == "html" else self.text_path


def load_corpus(root: Path, corpus: str) -> list[Page]:
    d = root / corpus
    pages = []
    if corpus == "scrapinghub":
        gold = json.loads((d / "ground-truth.json").read_text(encoding="utf-8"))
        for pid, g in gold.items():
            pages.append(Page(corpus, pid, g.get("url", ""), d / "html" / f"{pid}.html.gz",
                              d / "html" / f"{pid}.txt.gz", g))
    elif corpus == "trafilatura-dev":
        gold = json.loads((d / "evaldata.json").read_text(encoding="utf-8"))
        for url, g in gold.items():
            stem = os.path.splitext(g["file"])[0]  # "site.name.html" -> html/site.name.html.gz
            pages.append(Page(corpus, stem, url, d / "html" / f"{g['file']}.gz",
                              d / "html" / f"{stem}.txt.gz", g))
    elif corpus == "wcxb-dev":
        gold = json.loads((d / "gold.json").read_text(encoding="utf-8"))
        for pid, g in gold.items():
            pages.append(Page(corpus, pid, g.get("url", ""), d / "html" / f"{pid}.html.gz",
                              d / "html" / f"{pid}.txt.gz", g))
    else:
        raise ValueError(corpus)
    pages.sort(key=lambda p: p.id)
    return pages


# --------------------------------------------------------------------------- systems

class PageTimeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise PageTimeout("page timed out")


def _artclean():
    """Import artclean: an installed one first, else the checkout's src/."""
    try:
        mod = importlib.import_module("artclean")
        if hasattr(mod, "clean"):
            return mod
    except ImportError:
        pass
    src = str(REPO / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    for name in [m for m in sys.modules if m == "artclean" or m.startswith("artclean.")]:
        del sys.modules[name]
    importlib.invalidate_caches()
    mod = importlib.import_module("artclean")
    if not hasattr(mod, "clean"):
        raise ImportError(f"artclean at {getattr(mod, '__path__', '?')} has no clean() yet")
    return mod


_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
               "blockquote", "pre", "section", "article", "header", "footer", "dd", "dt", "dl",
               "figure", "figcaption", "hr", "main", "aside", "nav", "form", "address"}


def fragment_text(fragment: str) -> str:
    """HTML fragment -> text with a line break at every block boundary."""
    import lxml.html
    if not fragment or not fragment.strip():
        return ""
    root = lxml.html.fromstring(fragment)
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
            if el.tag.lower() != "br":
                el.text = "\n" + (el.text or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


# jusText stoplist choice for the multilingual trafilatura-dev corpus
_LANG_CODES = {"de": "German", "en": "English", "fr": "French", "es": "Spanish", "it": "Italian",
               "pt": "Portuguese", "nl": "Dutch", "pl": "Polish", "cs": "Czech", "hu": "Hungarian",
               "ru": "Russian", "sv": "Swedish", "da": "Danish", "fi": "Finnish", "nb": "Norwegian_Bokmal",
               "no": "Norwegian_Bokmal", "tr": "Turkish", "ro": "Romanian", "sk": "Slovak",
               "sl": "Slovenian", "hr": "Croatian", "el": "Greek", "ca": "Catalan", "uk": "Ukrainian"}
_GUESS_LANGS = ("German", "English", "French", "Spanish", "Italian", "Portuguese", "Dutch")
_LANG_ATTR_RE = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.I)
_STRIP_RE = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.I | re.S)


@functools.lru_cache(maxsize=None)
def stoplist(lang: str) -> frozenset:
    import justext
    return frozenset(justext.get_stoplist(lang))  # get_stoplist reads its file on every call


def guess_language(text: str, lang_attr: str | None = None) -> str:
    """Stopword-share guess among common languages; then the html lang attribute; then German."""
    toks = S.words(text)[:5000]
    if len(toks) >= 30:
        shares = {lang: sum(t in stoplist(lang) for t in toks) / len(toks)
                  for lang in _GUESS_LANGS}
        best = max(shares, key=shares.get)
        if shares[best] >= 0.15:
            return best
    if lang_attr and lang_attr.lower()[:2] in _LANG_CODES:
        return _LANG_CODES[lang_attr.lower()[:2]]
    return "German"


@dataclass
class Output:
    text: str = ""
    headline: str | None = None
    byline: str | None = None
    date: str | None = None
    found: bool | None = None


def _as_str(v) -> str | None:
    if v is None:
        return None
    v = str(v).strip()
    return v or None


def run_system(key: str, corpus: str, mode: str, data: bytes | str) -> tuple[Output, float]:
    """Run one system on one page. Returns (output, extra seconds not counted as body time)."""
    if key == "artclean":
        ac = _artclean()
        art = ac.clean(data, input=mode)
        return Output(art.main_text or "", _as_str(art.headline), _as_str(art.byline),
                      _as_str(art.date), getattr(art, "found", None)), 0.0
    if key == "as-is":
        return Output(data if isinstance(data, str) else data.decode("utf-8", "replace")), 0.0
    if key == "trafilatura":
        import trafilatura
        text = trafilatura.extract(data, include_comments=False) or ""
        out = Output(text)
        extra = 0.0
        if corpus == "wcxb-dev":  # metadata pass only where fields are scored; timed apart
            t0 = time.perf_counter()
            doc = trafilatura.bare_extraction(data, with_metadata=True)
            extra = time.perf_counter() - t0
            if isinstance(doc, dict):
                out.headline, out.byline, out.date = (_as_str(doc.get(k)) for k in ("title", "author", "date"))
            elif doc is not None:
                out.headline, out.byline, out.date = (_as_str(getattr(doc, k, None))
                                                      for k in ("title", "author", "date"))
        return out, extra
    if key == "readability":
        from readability import Document
        return Output(fragment_text(Document(data).summary(html_partial=True))), 0.0
    if key == "justext":
        import justext
        if mode == "text":
            lines = [ln.strip() for ln in data.splitlines() if ln.strip()]
            doc = "<html><body>" + "".join(f"<p>{htmlmod.escape(ln)}</p>" for ln in lines) + "</body></html>"
            plain = data
        else:
            doc = data
            head = data[:200_000].decode("latin-1") if isinstance(data, bytes) else data[:200_000]
            plain = _STRIP_RE.sub(" ", head)
        if corpus == "trafilatura-dev":
            m = _LANG_ATTR_RE.search(data[:50_000]) if isinstance(data, bytes) else None
            lang = guess_language(plain, m.group(1).decode() if m else None)
        else:
            lang = "English"
        paras = justext.justext(doc, stoplist(lang))
        return Output("\n\n".join(p.text for p in paras if not p.is_boilerplate)), 0.0
    raise ValueError(key)


_TIMEOUT = 0.0


def _init_worker(systems: list[str], timeout: float) -> None:
    global _TIMEOUT
    _TIMEOUT = timeout
    logging.disable(logging.ERROR)  # competitors log a warning for every discarded page
    # warm up: imports and one-time setup happen before anything is timed
    tiny = b"<html><head><title>t</title></head><body><p>Warm up text for the benchmark.</p></body></html>"
    if "justext" in systems:
        for lang in _GUESS_LANGS:
            stoplist(lang)
    for key in systems:
        for mode in SYSTEMS[key][1]:
            guarded_run(key, "wcxb-dev", mode, tiny if mode == "html" else tiny.decode())


def guarded_run(key: str, corpus: str, mode: str, data: bytes | str) -> dict:
    """run_system under the time limit; any exception becomes an empty output with its kind."""
    err = kind = None
    out, extra = Output(), 0.0
    t0 = time.perf_counter()
    if _TIMEOUT:
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, _TIMEOUT)
    try:
        out, extra = run_system(key, corpus, mode, data)
    except Exception as exc:  # noqa: BLE001 - any crash is an empty output
        err = f"{type(exc).__name__}: {exc}"[:300]
        ac = sys.modules.get("artclean")
        if isinstance(exc, PageTimeout):
            kind = "timeout"
        elif key == "artclean" and isinstance(exc, getattr(ac, "ArtcleanError", ())):
            kind = "ArtcleanError"
        else:
            kind = "crash"
    finally:
        if _TIMEOUT:
            signal.setitimer(signal.ITIMER_REAL, 0)
    secs = time.perf_counter() - t0 - extra
    return {"out": out, "secs": secs, "extra": extra, "error": err, "kind": kind}


def process_page(task: tuple) -> dict:
    """Worker: read one page file and run every system on it. Scoring happens in the parent."""
    corpus, mode, path, systems = task
    raw = gzip.open(path, "rb").read()
    data: bytes | str = raw if mode == "html" else raw.decode("utf-8", "replace")
    return {key: guarded_run(key, corpus, mode, data) for key in systems}


# --------------------------------------------------------------------------- scoring

def score_page(page: Page, out: Output) -> dict:
    g = page.gold
    if page.corpus == "scrapinghub":
        return S.scrapinghub_page(g.get("articleBody") or "", out.text)
    if page.corpus == "trafilatura-dev":
        return S.segments_page(g.get("with") or [], g.get("without") or [], out.text)
    return S.bow_page(g.get("main_content") or "", out.text)


def summarise(corpus: str, scored: list[dict]) -> tuple[float, float, float]:
    if corpus == "scrapinghub":
        return S.scrapinghub_summary(scored)
    if corpus == "trafilatura-dev":
        return S.segments_summary(scored)
    return S.bow_summary(scored)


METRIC_TITLE = {
    "scrapinghub": "scrapinghub — 4-token shingles, P and R averaged over pages, F1 of the means",
    "trafilatura-dev": "trafilatura-dev — with/without segments, summed over pages",
    "wcxb-dev": "wcxb-dev — lowercased bag-of-words overlap with main_content, averaged over pages",
}


# --------------------------------------------------------------------------- output

def render(header: list[str], rows: list[list[str]], markdown: bool, align: str) -> str:
    if markdown:
        sep = ["---:" if a == "r" else "---" for a in align]
        lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(sep) + " |"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(x) for x in col) for col in zip(header, *rows)]

    def fmt(r):
        return "  ".join(c.rjust(w) if a == "r" else c.ljust(w) for c, w, a in zip(r, widths, align)).rstrip()

    return "\n".join([fmt(header), "  ".join("-" * w for w in widths)] + [fmt(r) for r in rows])


def f3(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def versions(systems: list[str]) -> str:
    from importlib.metadata import PackageNotFoundError, version
    parts = []
    for key in systems:
        if key == "as-is":
            continue
        try:
            v = version(DIST_NAME[key])
        except PackageNotFoundError:
            v = "?"
        if key == "artclean":
            try:
                mod = _artclean()
                v = f"{getattr(mod, '__version__', v)} ({Path(mod.__file__).parent})"
            except Exception:  # noqa: BLE001
                pass
        parts.append(f"{SYSTEMS[key][0]} {v}")
    return ", ".join(parts)


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\nThe metrics")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="Competitors (--compare) need: " + INSTALL_HINT)
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA,
                    help="folder holding the corpora (default: ../shared/corpora beside the repo)")
    ap.add_argument("--corpus", action="append", choices=CORPORA,
                    help="corpus to run (repeatable; default: all)")
    ap.add_argument("--mode", action="append", choices=MODES,
                    help="html: raw page bytes, input='html'; text: the browser rendering NAME.txt.gz, "
                         "input='text' (repeatable; default: both)")
    ap.add_argument("--limit", type=int, help="only the first N pages of each corpus (sorted by id)")
    ap.add_argument("--compare", action="store_true",
                    help="also run trafilatura, jusText, readability-lxml (and the text input as-is)")
    ap.add_argument("--system", action="append", choices=list(SYSTEMS),
                    help="run exactly these systems (repeatable; default: artclean, plus competitors "
                         "with --compare)")
    ap.add_argument("--dump", type=Path, metavar="DIR",
                    help="write per-page JSON lines to DIR/CORPUS.MODE.SYSTEM.jsonl")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    ap.add_argument("--timeout", type=float, default=120.0,
                    help="seconds one system may spend on one page before it counts as a failure "
                         "(default 120; 0 = none)")
    ap.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    corpora = args.corpus or list(CORPORA)
    modes = args.mode or list(MODES)
    systems = list(dict.fromkeys(args.system or ["artclean"]))
    if args.compare:
        systems += [c for c in COMPETITORS if c not in systems]
    root = args.corpora.resolve()
    if not root.is_dir():
        print(f"corpora folder not found: {root} (use --corpora PATH)", file=sys.stderr)
        return 2

    notes: list[str] = []
    if "artclean" in systems:
        try:
            _artclean()
        except Exception as exc:  # noqa: BLE001
            print(f"cannot import artclean ({exc}); install it with `pip install -e .` from the repo "
                  "root, or leave it out with --system", file=sys.stderr)
            return 2
    missing = []
    for key in [s for s in systems if s in PY_MODULE]:
        try:
            importlib.import_module(PY_MODULE[key])
            if key == "readability":
                importlib.import_module("lxml_html_clean")
        except ImportError as exc:
            missing.append(key)
            systems.remove(key)
            print(f"WARNING: {SYSTEMS[key][0]} is not installed ({exc}); skipping it. "
                  f"Install the benchmark extras: {INSTALL_HINT}", file=sys.stderr)
    if missing:
        notes.append("not run (missing; `pip install -e .[bench]`): "
                     + ", ".join(SYSTEMS[k][0] for k in missing))
    if not systems:
        print("no system to run", file=sys.stderr)
        return 2

    logging.disable(logging.ERROR)
    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)

    rows: dict[str, list[list[str]]] = {c: [] for c in corpora}
    field_rows: list[list[str]] = []
    field_n: dict[str, int] = {}
    failures: list[str] = []
    wall0 = time.perf_counter()
    pool = None
    if args.jobs > 1:
        pool = ProcessPoolExecutor(args.jobs, initializer=_init_worker, initargs=(systems, args.timeout))
    else:
        _init_worker(systems, args.timeout)
    try:
        for corpus in corpora:
            pages = load_corpus(root, corpus)
            if args.limit:
                pages = pages[:args.limit]
            for mode in modes:
                run = [s for s in systems if mode in SYSTEMS[s][1]]
                if not run:
                    continue
                present = [p for p in pages if p.path(mode).is_file()]
                if len(present) < len(pages):
                    notes.append(f"{corpus}/{mode}: {len(pages) - len(present)} page(s) skipped, file missing")
                tasks = [(corpus, mode, str(p.path(mode)), run) for p in present]
                t0 = time.perf_counter()
                results = (pool.map(process_page, tasks, chunksize=4) if pool
                           else map(process_page, tasks))
                per_sys = {s: {"scored": [], "secs": 0.0, "extra": 0.0, "fail": 0, "first": None, "kinds": Counter(),
                               "fields": S.FieldTally()} for s in run}
                dumps = {s: open(args.dump / f"{corpus}.{mode}.{s}.jsonl", "w", encoding="utf-8")
                         for s in run} if args.dump else {}
                try:
                    for i, (page, res) in enumerate(zip(present, results), 1):
                        if i % 50 == 0:
                            print(f"  {corpus}/{mode}: {i}/{len(present)} pages", file=sys.stderr)
                        for s in run:
                            r, acc = res[s], per_sys[s]
                            out: Output = r["out"]
                            acc["secs"] += r["secs"]
                            acc["extra"] += r["extra"]
                            if r["error"]:
                                acc["fail"] += 1
                                acc["kinds"][r["kind"]] += 1
                                acc["first"] = acc["first"] or f"{page.id}: {r['error']}"
                            sc = score_page(page, out)
                            acc["scored"].append(sc)
                            fields = {}
                            if corpus == "wcxb-dev" and s in FIELD_SYSTEMS:
                                g = page.gold
                                for name, gold, got, fn in (
                                        ("headline", g.get("title"), out.headline, S.headline_ok),
                                        ("byline", g.get("author"), out.byline, S.byline_ok),
                                        ("date", g.get("publish_date"), out.date, S.date_ok)):
                                    ok = fn(gold, got)
                                    acc["fields"].add(name, ok)
                                    fields[name] = {"gold": gold, "output": got, "ok": ok}
                            if s in dumps:
                                rec = {"id": page.id, "corpus": corpus, "mode": mode, "system": s,
                                       "url": page.url, **sc, "seconds": round(r["secs"], 4),
                                       "error": r["error"], "error_kind": r["kind"], "found": out.found,
                                       "headline": out.headline, "byline": out.byline, "date": out.date}
                                if fields:
                                    rec["fields"] = fields
                                rec["text"] = out.text
                                dumps[s].write(json.dumps(rec, ensure_ascii=False) + "\n")
                finally:
                    for f in dumps.values():
                        f.close()
                print(f"  {corpus}/{mode}: {len(present)} pages, {time.perf_counter() - t0:.1f} s wall",
                      file=sys.stderr)
                for s in run:
                    acc = per_sys[s]
                    p, r_, f = summarise(corpus, acc["scored"])
                    n = len(acc["scored"])
                    rows[corpus].append([corpus, mode, SYSTEMS[s][0], f3(p), f3(r_), f3(f), str(n),
                                         str(acc["fail"]), f"{acc['secs']:.1f}",
                                         f"{n / acc['secs']:.1f}" if acc["secs"] > 0 else "—"])
                    if acc["fail"]:
                        kinds = ", ".join(f"{n} {k}" for k, n in sorted(acc["kinds"].items()))
                        failures.append(f"{corpus}/{mode}/{SYSTEMS[s][0]}: {acc['fail']} page(s) failed "
                                        f"({kinds}; scored as empty); first: {acc['first']}")
                    if acc["extra"]:
                        notes.append(f"{corpus}/{mode}/{SYSTEMS[s][0]}: metadata pass for the fields "
                                     f"took another {acc['extra']:.1f} s (not in pages/s)")
                    if corpus == "wcxb-dev" and s in FIELD_SYSTEMS:
                        t = acc["fields"]
                        field_n = dict(t.n)
                        field_rows.append([mode, SYSTEMS[s][0]] + [f3(t.score(k)) for k in
                                                                    ("headline", "byline", "date")])
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)
    wall = time.perf_counter() - wall0

    # ------------------------------------------------------------------ report
    argv0 = sys.argv[0]
    try:
        argv0 = os.path.relpath(argv0)
    except ValueError:
        pass
    cmd = "python " + shlex.join([argv0] + (sys.argv[1:] if argv is None else list(argv)))
    md = args.markdown
    print()
    print(f"`{cmd}`" if md else f"$ {cmd}")
    if md:
        print()
    print(f"systems: {versions(systems)}")
    if md:
        print()
    print(f"wall time {wall:.1f} s with --jobs {args.jobs}; pages/s is per process (pages / summed "
          "seconds of that system's calls)")
    head = ["corpus", "mode", "system", "P", "R", "F1", "pages", "fail", "s", "pages/s"]
    align = "lllrrrrrrr"
    for corpus in corpora:
        if not rows[corpus]:
            continue
        print()
        print(f"### {METRIC_TITLE[corpus]}" if md else METRIC_TITLE[corpus])
        if md:
            print()
        print(render(head, rows[corpus], md, align))
    if field_rows:
        print()
        title = "wcxb-dev fields — share of pages right"
        print(f"### {title}" if md else title)
        if md:
            print()
        fh = ["mode", "system", f"headline (n={field_n.get('headline', 0)})",
              f"byline (n={field_n.get('byline', 0)})", f"date (n={field_n.get('date', 0)})"]
        print(render(fh, field_rows, md, "llrrr"))
    if failures or notes:
        print()
        for line in failures + notes:
            print(f"- {line}" if md else f"note: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
