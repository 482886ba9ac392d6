"""read_html: blocks (text, kind, hints), meta, and robustness on odd input.

Structural tests run through both front-ends ("auto" = lxml's parser with bs4 fallback, and
"bs4"), which must give the same blocks; only Block.line differs (bs4's lxml builder records no
source lines).
"""

import json
import time

import pytest

from artclean.model import Block
from artclean.read_html import Page, read_html

PARSERS = ["auto", "bs4"]


def blocks(html, parser="auto"):
    return [(b.text, b.kind, b.hints) for b in read_html(html, parser=parser).blocks]


def texts(html, parser="auto"):
    return [b.text for b in read_html(html, parser=parser).blocks]


def page(body, head=""):
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


# --------------------------------------------------------------------------- blocks and kinds


@pytest.mark.parametrize("parser", PARSERS)
def test_block_elements_give_one_block_each_in_order(parser):
    html = page(
        "<h1>Title</h1><h2>Sub</h2><p>Para one.</p><ul><li>Item</li></ul>"
        "<blockquote><p>Quoted.</p></blockquote><pre>  code\n  here</pre>"
        "<dl><dt>Term</dt><dd>Def</dd></dl><table><tr><th>H</th><td>Cell</td></tr></table>"
    )
    assert blocks(html, parser) == [
        ("Title", "h1", {"heading_level": 1}),
        ("Sub", "h2", {"heading_level": 2}),
        ("Para one.", "p", {}),
        ("Item", "li", {}),
        ("Quoted.", "blockquote", {}),
        ("code here", "pre", {}),
        ("Term", "dt", {}),
        ("Def", "dd", {}),
        ("H", "th", {}),
        ("Cell", "td", {}),
    ]


@pytest.mark.parametrize("parser", PARSERS)
def test_nested_block_elements_take_the_list_or_quote_kind(parser):
    html = page(
        "<ul><li><p>p in li</p><div>div in li</div></li></ul>"
        "<blockquote><div>div in quote</div></blockquote>"
        "<table><tr><td><p>p in td</p><div>div in td</div></td></tr></table>"
        "<ul><li><h3>heading in li</h3></li></ul>"
    )
    assert [(t, k) for t, k, _ in blocks(html, parser)] == [
        ("p in li", "li"),
        ("div in li", "li"),
        ("div in quote", "blockquote"),
        ("p in td", "p"),
        ("div in td", "td"),
        ("heading in li", "h3"),
    ]


@pytest.mark.parametrize("parser", PARSERS)
def test_div_soup_text_is_flushed_at_block_boundaries(parser):
    html = page(
        "<div>Lead <b>bold</b> and <a href='#'>link</a><div>Inner</div>tail text"
        "<section>Section text</section><my-widget>Custom</my-widget></div>"
    )
    assert [(t, k) for t, k, _ in blocks(html, parser)] == [
        ("Lead bold and link", "div"),
        ("Inner", "div"),
        ("tail text", "div"),
        ("Section text", "div"),
        ("Custom", "div"),
    ]


@pytest.mark.parametrize("parser", PARSERS)
def test_br_splits_paragraphs_but_not_headings(parser):
    html = page("<h1>Main<br>headline</h1><p>Line one<br>Line two<br><br>Line three</p>")
    assert [(t, k) for t, k, _ in blocks(html, parser)] == [
        ("Main headline", "h1"),
        ("Line one", "p"),
        ("Line two", "p"),
        ("Line three", "p"),
    ]


@pytest.mark.parametrize("parser", PARSERS)
def test_whitespace_nbsp_and_zero_width_characters_are_normalised(parser):
    html = page("<p>  a\u00a0\u00a0b\t\n c&nbsp;d&#8203;e\u200bf \u2003 g\ufeff\u00ad </p><p> \u00a0 </p>")
    assert texts(html, parser) == ["a b c def g"]


@pytest.mark.parametrize("parser", PARSERS)
def test_zwnj_is_kept_because_scripts_need_it(parser):
    assert texts(page("<p>\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645</p>"), parser) == [
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    ]


@pytest.mark.parametrize("parser", PARSERS)
def test_non_content_elements_are_dropped(parser):
    html = page(
        "<script>var x = 'script text';</script><style>p {color: red}</style>"
        "<noscript>Enable JS</noscript><template><p>tpl</p></template>"
        "<svg><title>svg title</title><text>svg text</text></svg><canvas>cv</canvas>"
        "<iframe>frame</iframe><object>obj</object><select><option>Opt</option></select>"
        "<p>Click <button>Button</button>here <input value='x'><textarea>ta</textarea>now.</p>",
        head="<title>T</title><style>x{}</style>",
    )
    assert texts(html, parser) == ["Click here now."]


# --------------------------------------------------------------------------- hints


@pytest.mark.parametrize("parser", PARSERS)
def test_nav_footer_aside_form_text_is_emitted_with_its_container(parser):
    html = page(
        "<header><a href='/'>Site name</a><nav><ul><li><a href='/a'>Home</a></li></ul></nav></header>"
        "<main><article><header><h1>Headline</h1></header><p>Body text.</p></article>"
        "<aside><h3>Popular</h3></aside></main>"
        "<form><label>Search</label></form><menu><li>Menu item</li></menu>"
        "<footer><p>Copyright</p></footer>"
    )
    assert blocks(html, parser) == [
        ("Site name", "div", {"container": "header"}),
        ("Home", "li", {"container": "nav"}),
        ("Headline", "h1", {"in_article": True, "heading_level": 1}),
        ("Body text.", "p", {"in_article": True}),
        ("Popular", "h3", {"container": "aside", "in_article": True, "heading_level": 3}),
        ("Search", "div", {"container": "form"}),
        ("Menu item", "li", {"container": "menu"}),
        ("Copyright", "p", {"container": "footer"}),
    ]


@pytest.mark.parametrize("parser", PARSERS)
def test_roles_name_containers(parser):
    html = page(
        "<div role='navigation'>Nav</div><div role='contentinfo'>Info</div>"
        "<div role='complementary'>Extra</div><div role='banner'>Banner</div>"
    )
    assert [b[2].get("container") for b in blocks(html, parser)] == ["nav", "footer", "aside", "header"]


@pytest.mark.parametrize(
    ("cls", "expected"),
    [
        ("article-share", "share"),
        ("shared-content", None),
        ("sharebar", "share"),
        ("comments-area", "comments"),
        ("commentary", None),
        ("relatedArticles", "related"),
        ("teaser-list", "related"),
        ("newsletter-signup", "newsletter"),
        ("cookie-banner", "cookie"),
        ("consentBanner", "cookie"),
        ("ad-slot", "ad"),
        ("advertisement", "ad"),
        ("admin-note", None),
        ("address", None),
        ("sidebar", "sidebar"),
        ("has-sidebar", None),
        ("no-comments", None),
        ("breadcrumbs", "breadcrumb"),
        ("subscribe-box", "subscribe"),
        ("social-links", "social"),
        ("promo", "promo"),
        ("article-body", None),
    ],
)
def test_class_tokens_name_containers_conservatively(cls, expected):
    (block,) = read_html(page(f"<div class='{cls}'><p>Text</p></div>")).blocks
    assert block.hints.get("container") == expected


def test_id_names_containers_and_class_beats_tag():
    html = page("<div id='disqus_thread'><p>A comment</p></div><aside class='related'><p>More</p></aside>")
    assert [b.hints.get("container") for b in read_html(html).blocks] == ["comments", "related"]


def test_inline_elements_make_no_container():
    html = page("<p>By Jane, <span class='comment-count'>5 comments</span></p>")
    assert blocks(html) == [("By Jane, 5 comments", "p", {})]


@pytest.mark.parametrize("parser", PARSERS)
def test_a_container_that_wraps_the_article_is_not_boilerplate(parser):
    # An ASP.NET page form around everything, and a layout div whose class says "sidebar".
    html = page(
        "<form id='aspnetForm'><div class='layout-sidebar'><nav><a href='/'>Home</a></nav>"
        "<h1>Headline</h1><p>Body.</p></div></form>"
        "<aside class='related'><article><h3>Teaser</h3></article></aside>"
    )
    assert blocks(html, parser) == [
        ("Home", "div", {"container": "nav"}),
        ("Headline", "h1", {"heading_level": 1}),
        ("Body.", "p", {}),
        ("Teaser", "h3", {"container": "related", "in_article": True, "heading_level": 3}),
    ]


@pytest.mark.parametrize("parser", PARSERS)
def test_a_dropped_container_passes_its_blocks_to_the_outer_container(parser):
    # The class-named div wraps an <h1>, so it is no "related" box; the <aside> stays.
    html = page("<aside><div class='related-layout'><h1>Title</h1><p>Text</p></div></aside>")
    assert blocks(html, parser) == [
        ("Title", "h1", {"container": "aside", "heading_level": 1}),
        ("Text", "p", {"container": "aside"}),
    ]


@pytest.mark.parametrize("parser", PARSERS)
def test_every_container_around_main_is_dropped(parser):
    html = page("<div class='sidebar'><aside><p>Side</p><main><p>Main text</p></main></aside></div>")
    assert blocks(html, parser) == [("Side", "p", {}), ("Main text", "p", {"in_article": True})]


@pytest.mark.parametrize("parser", PARSERS)
def test_hidden_elements_are_skipped(parser):
    html = page(
        "<p>Visible.</p><div hidden><p>Hidden attr</p></div>"
        "<p aria-hidden='true'>Aria hidden</p><p aria-hidden='false'>Aria shown</p>"
        "<div style='color: red; display : none'>Display none</div>"
        "<div style='visibility:hidden'>Invisible</div>"
        "<p>Also <span style='display:none'>secret </span>visible.</p>"
    )
    assert texts(html, parser) == ["Visible.", "Aria shown", "Also visible."]


@pytest.mark.parametrize("parser", PARSERS)
def test_hidden_text_is_kept_and_marked_when_nothing_else_is_readable(parser):
    html = page("<nav>Menu</nav><div style='display:none'><p>The only article text.</p></div>")
    p = read_html(html, parser=parser)
    assert [(b.text, b.hints) for b in p.blocks] == [
        ("Menu", {"container": "nav"}),
        ("The only article text.", {"hidden": True}),
    ]
    assert p.warnings == ["all readable text is hidden; hidden text kept"]


@pytest.mark.parametrize("parser", PARSERS)
def test_figure_caption_and_separate_credit(parser):
    html = page(
        "<article><figure><img src='a.jpg' alt='alt text'>"
        "<figcaption>Crowds gather in the square. <span class='credit'>Photo: Jane Roe/AP</span>"
        "</figcaption></figure>"
        "<figure><figcaption><p>Second caption</p><p class='image-copyright'>© Agency</p>"
        "</figcaption></figure>"
        "<figure><img src='b.jpg'><div class='photographer'>John Doe</div></figure>"
        "<p class='source'>Source outside a figure is no credit</p></article>"
    )
    assert blocks(html, parser) == [
        ("Crowds gather in the square.", "figcaption", {"in_article": True, "in_figure": True}),
        ("Photo: Jane Roe/AP", "credit", {"in_article": True, "in_figure": True, "credit": True}),
        ("Second caption", "figcaption", {"in_article": True, "in_figure": True}),
        ("© Agency", "credit", {"in_article": True, "in_figure": True, "credit": True}),
        ("John Doe", "credit", {"in_article": True, "in_figure": True, "credit": True}),
        ("Source outside a figure is no credit", "p", {"in_article": True}),
    ]


@pytest.mark.parametrize("parser", PARSERS)
def test_article_markers(parser):
    html = page(
        "<p>Outside</p><div itemprop='articleBody'><p>A</p></div>"
        "<div class='article__body'><p>B</p></div><div id='story-body'><p>C</p></div>"
        "<div class='entry_content'><p>D</p></div><div role='main'><p>E</p></div>"
        "<div class='article-bodywork'><p>Not a marker</p></div>"
    )
    assert [(t, h.get("in_article", False)) for t, _, h in blocks(html, parser)] == [
        ("Outside", False),
        ("A", 1),  # each article element gets its number: a page of teaser cards has several
        ("B", 2),
        ("C", 3),
        ("D", 4),
        ("E", 5),
        ("Not a marker", False),
    ]


@pytest.mark.parametrize("parser", PARSERS)
def test_byline_and_date_hints(parser):
    html = page(
        "<p class='byline'>By Jane Doe</p>"
        "<p>Written by <a rel='author' href='/jd'>John Roe</a></p>"
        "<div itemprop='author'>Max Muster</div><div class='autor'>Hans Meier</div>"
        "<p><time datetime='2024-05-01'>May 1</time></p><span class='dateline'>BERLIN</span>"
        "<p>Plain paragraph.</p>"
    )
    assert [(t, h) for t, _, h in blocks(html, parser)] == [
        ("By Jane Doe", {"byline": True}),
        ("Written by John Roe", {"byline": True}),
        ("Max Muster", {"byline": True}),
        ("Hans Meier", {"byline": True}),
        ("May 1", {"date": True}),
        ("BERLIN", {"date": True}),
        ("Plain paragraph.", {}),
    ]


@pytest.mark.parametrize("parser", PARSERS)
def test_link_density(parser):
    html = page(
        "<p>Read <a href='/x'>more</a></p>"  # 4 + 4 non-space characters: half in the link
        "<p><a href='/a'>All</a> <a href='/b'>links</a></p><p>No links</p>"
    )
    assert [b.link_density for b in read_html(html, parser=parser).blocks] == [0.5, 1.0, 0.0]


@pytest.mark.parametrize("parser", PARSERS)
def test_gap_before_marks_section_breaks(parser):
    html = page(
        "<p>One</p><p>Two</p><section><p>Three</p></section><p>Four</p>"
        "<div class='box'><p>Five</p></div><div><p>Six</p></div>"
    )
    assert [(b.text, b.gap_before) for b in read_html(html, parser=parser).blocks] == [
        ("One", False),
        ("Two", False),
        ("Three", True),
        ("Four", True),
        ("Five", True),
        ("Six", True),
    ]


def test_source_lines_with_the_default_parser():
    html = "<html>\n<body>\n<h1>Head</h1>\n<p>\nPara</p>\n<div>Soup<br>\nMore</div>\n</body></html>"
    assert [(b.text, b.line) for b in read_html(html).blocks] == [
        ("Head", 3),
        ("Para", 4),
        ("Soup", 6),
        ("More", 6),
    ]


def test_blocks_are_model_blocks():
    p = read_html(page("<p>x</p>"))
    assert isinstance(p, Page) and isinstance(p.blocks[0], Block)
    assert p.blocks[0].label is None


# --------------------------------------------------------------------------- meta

HEAD = """
<title>  Page   title | Site </title>
<meta property="og:title" content=" OG title ">
<meta name="twitter:title" content="Twitter title">
<meta property="og:site_name" content="The Site">
<meta property="og:url" content="https://example.com/og">
<link rel="canonical" href=" https://example.com/canonical ">
<meta property="article:author" content="https://facebook.com/someone">
<meta name="parsely-author" content="Jane Doe">
<meta name="date" content="2024-01-03">
<meta property="article:published_time" content="2024-01-02T10:00:00Z">
"""


@pytest.mark.parametrize("parser", PARSERS)
def test_meta_from_head(parser):
    meta = read_html(f"<html lang=' de-DE '><head>{HEAD}</head><body><p>x</p></body></html>", parser=parser).meta
    assert meta == {
        "title": "Page title | Site",
        "og_title": "OG title",
        "twitter_title": "Twitter title",
        "og_site_name": "The Site",
        "url": "https://example.com/canonical",
        "meta_author": "Jane Doe",  # article:author is a URL
        "published_time": "2024-01-02T10:00:00Z",  # article:published_time beats name=date
        "lang": "de-DE",
    }


def test_meta_has_only_what_the_page_provides():
    assert read_html("<p>x</p>").meta == {}
    assert read_html(page("<p>x</p>", head="<meta property='og:url' content='https://e.com/u'>")).meta == {
        "url": "https://e.com/u"
    }


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("<meta name='pubdate' content='2020-01-01'>", "2020-01-01"),
        ("<meta name='DC.date.issued' content='2020-02-02'>", "2020-02-02"),
        ("<meta itemprop='datePublished' content='2020-03-03'>", "2020-03-03"),
        ("<meta name='sailthru.date' content='2020-04-04'>", "2020-04-04"),
        ("<meta name='published-date' content='2020-05-05'>", "2020-05-05"),
        ("<meta property='og:publish_date' content='2020-06-06'>", "2020-06-06"),
        ("<meta name='citation_publication_date' content='2020/07/07'>", "2020/07/07"),
    ],
)
def test_published_time_sources(tag, expected):
    assert read_html(page("<p>x</p>", head=tag)).meta["published_time"] == expected


def test_published_time_from_itemprop_in_the_body():
    html = page("<p>Posted <time itemprop='datePublished' datetime='2021-06-07T08:00'>June 7</time></p>")
    assert read_html(html).meta["published_time"] == "2021-06-07T08:00"


@pytest.mark.parametrize("parser", PARSERS)
def test_h1_list_with_in_article_flag(parser):
    html = page(
        "<header><h1><a href='/'>Site  Logo</a></h1></header>"
        "<article><h1>The <em>real</em><br>headline</h1></article><h1 hidden>Hidden</h1>"
    )
    assert read_html(html, parser=parser).meta["h1"] == [
        {"text": "Site Logo", "in_article": False},
        {"text": "The real headline", "in_article": True},
    ]


@pytest.mark.parametrize("parser", PARSERS)
def test_time_elements_with_datetime(parser):
    html = page(
        "<time datetime='2024-01-01'>Jan 1</time><article><p>Updated "
        "<time datetime=' 2024-01-02T12:00+01:00 '>2 Jan,<br>12:00</time></p>"
        "<time>no datetime attribute</time></article>"
    )
    assert read_html(html, parser=parser).meta["time"] == [
        {"datetime": "2024-01-01", "text": "Jan 1", "in_article": False},
        {"datetime": "2024-01-02T12:00+01:00", "text": "2 Jan, 12:00", "in_article": True},
    ]


def ld(*objects):
    return "".join(
        f'<script type="application/ld+json">{json.dumps(o) if not isinstance(o, str) else o}</script>'
        for o in objects
    )


def test_jsonld_news_article_with_author_dict():
    obj = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": " The headline &amp; more ",
        "author": {"@type": "Person", "name": "Jane Doe"},
        "datePublished": "2024-01-02T03:04:05Z",
        "dateModified": "2024-01-03",
        "articleBody": "  First paragraph.\n\nSecond paragraph.  ",
        "publisher": {"@type": "Organization", "name": "Daily News"},
    }
    assert read_html(page("<p>x</p>", head=ld(obj))).meta["jsonld"] == {
        "headline": "The headline & more",
        "author": ["Jane Doe"],
        "datePublished": "2024-01-02T03:04:05Z",
        "dateModified": "2024-01-03",
        "articleBody": "First paragraph.\n\nSecond paragraph.",
        "publisher": "Daily News",
    }


def test_jsonld_author_list_of_strings_and_dicts_and_type_list():
    obj = {"@type": ["Article", "Thing"], "headline": "H", "author": ["Ann", {"name": "Bob"}, {"name": "Ann"}]}
    assert read_html(page("<p>x</p>", head=ld(obj))).meta["jsonld"] == {"headline": "H", "author": ["Ann", "Bob"]}


def test_jsonld_graph_with_id_references_and_webpage_ranked_last():
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "@id": "https://e.com/#page", "name": "Page"},
            {"@type": "Person", "@id": "https://e.com/#jane", "name": "Jane Doe"},
            {"@type": "BlogPosting", "headline": "Post", "author": {"@id": "https://e.com/#jane"},
             "publisher": "Blog Inc"},
        ],
    }
    assert read_html(page("<p>x</p>", head=ld(graph))).meta["jsonld"] == {
        "headline": "Post",
        "author": ["Jane Doe"],
        "publisher": "Blog Inc",
    }


def test_jsonld_bad_json_is_skipped_and_a_list_and_webpage_fallback_work():
    head = ld("{not json", "[]", [{"@type": "Organization", "name": "Org"}, {"@type": "WebPage", "headline": "WP"}])
    assert read_html(page("<p>x</p>", head=head)).meta["jsonld"] == {"headline": "WP"}
    assert "jsonld" not in read_html(page("<p>x</p>", head=ld({"@type": "Organization"}))).meta


def test_jsonld_script_text_is_never_a_block():
    p = read_html(page("<p>x</p>" + ld({"@type": "NewsArticle", "headline": "H"})))
    assert texts(page("<p>x</p>" + ld({"@type": "NewsArticle", "headline": "H"}))) == ["x"]
    assert p.meta["jsonld"] == {"headline": "H"}


def test_deeply_nested_jsonld_does_not_raise():
    assert read_html(page("<p>x</p>", head=ld("[" * 100_000 + "]" * 100_000))).meta == {}


# --------------------------------------------------------------------------- robustness


@pytest.mark.parametrize("depth", [300, 10_000, 100_000])
def test_deep_nesting_text_is_found_quickly(depth):
    html = (
        "<html><head><title>Deep</title></head><body>"
        + "<div>" * depth
        + "<p>Deep article text.</p>"
        + "</div>" * depth
        + "<p>After the nest.</p></body></html>"
    )
    t0 = time.perf_counter()
    p = read_html(html)
    elapsed = time.perf_counter() - t0
    assert [b.text for b in p.blocks] == ["Deep article text.", "After the nest."]
    assert p.meta == {"title": "Deep"}
    # lxml's parser gives up beyond 2048 levels (silently: an empty tree); bs4 takes over.
    assert p.parser == ("lxml" if depth < 2048 else "bs4-lxml")
    assert elapsed < 15  # about 2 s for 100k levels on the reference machine


def test_deep_unclosed_nesting():
    p = read_html("<body>" + "<span><div>" * 20_000 + "Unclosed deep text")
    assert [b.text for b in p.blocks] == ["Unclosed deep text"]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("", []),
        ("   \n\t ", []),
        ("plain text, no tags", ["plain text, no tags"]),
        ("<p>unclosed paragraph<div>and a div", ["unclosed paragraph", "and a div"]),
        ("</script></div></p><p>stray closers", ["stray closers"]),
        ("<script>var s = '</script>';</script><p>after", ["';", "after"]),
        ("<p>a</p><script>never closed", ["a"]),
        ("<p>before<!-- unclosed comment <p>swallowed", ["before"]),
        ("<p class=unquoted id=x y>attrs</p><<>>", ["attrs", "<<>>"]),
        ("<p>a\x00b\x01c\x1fd</p>", ["abcd"]),
        ("\ud800<p>lone surrogate</p>", ["\ufffd", "lone surrogate"]),
        ("<table><tr><td>one<td>two</table>", ["one", "two"]),
        ("<p><b><i>misnested</b></i> tags</p>", ["misnested tags"]),
        ("<?xml version='1.0' encoding='latin-1'?><p>xml declaration</p>", ["xml declaration"]),
        ("<html><head><meta charset='iso-8859-1'></head><body><p>Für</p>", ["Für"]),
        ("<frameset><frame src='x'></frameset>", []),
        ("<!DOCTYPE html><html><body></body></html>", []),
    ],
)
@pytest.mark.parametrize("parser", PARSERS)
def test_malformed_html_never_raises(html, expected, parser):
    p = read_html(html, parser=parser)
    assert [b.text for b in p.blocks] == expected


def test_page_with_only_scripts():
    html = "<html><head><script>var a = 1;</script></head><body><script>document.write('x')</script>" \
        "<style>body{}</style><noscript>Please enable JavaScript</noscript></body></html>"
    p = read_html(html)
    assert p.blocks == [] and p.meta == {}


def test_unclosed_comment_warns():
    p = read_html("<p>start</p><!-- " + "x" * 100)
    assert p.warnings and "unclosed comment" in p.warnings[0]


def test_bytes_are_refused():
    with pytest.raises(TypeError):
        read_html(b"<p>x</p>")


def test_both_front_ends_agree_on_a_full_page():
    html = page(
        "<header><nav><a href='/'>Home</a></nav></header><article><h1>H</h1>"
        "<p class='byline'>By <a rel='author'>A</a></p><figure><figcaption>Cap "
        "<span class='credit'>AP</span></figcaption></figure><p>Body <a href='#'>link</a>.</p>"
        "<div class='share'><a>Share</a></div></article><footer>F</footer>",
        head=HEAD + ld({"@type": "NewsArticle", "headline": "H"}),
    )
    a, b = read_html(html), read_html(html, parser="bs4")
    assert a.parser == "lxml" and b.parser == "bs4-lxml"
    key = [(x.text, x.kind, x.hints, x.gap_before, x.link_density) for x in a.blocks]
    assert key == [(x.text, x.kind, x.hints, x.gap_before, x.link_density) for x in b.blocks]
    assert a.meta == b.meta
