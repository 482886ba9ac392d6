"""HTML article body: what class names say about boxes inside and around the article."""

import pytest

import artclean
from artclean.read_html import read_html

BODY = [f"Paragraph {n} of the story says what the council decided, why it matters and who will pay for it in the end."
        for n in range(1, 7)]
PARAS = "".join(f"<p>{t}</p>" for t in BODY)


def page(article, after=""):
    return (f"<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
            f"<article><h1>Council approves the tram line</h1>{article}</article>{after}"
            f"<footer>Copyright 2025 Example Media</footer></body></html>")


def body_texts(html):
    art = artclean.clean(html, input="html")
    return [art.lead] + [p.text for p in art.body]


@pytest.mark.parametrize("cls, expected", [
    ("steady-paywall-container", None),
    ("paywall", None),
    ("subscribe-box", "subscribe"),
    ("author-bio", "bio"),
    ("author-box", "bio"),
    ("article__author-biography", "bio"),
    ("m-author__description", "bio"),
    ("author-profile", "bio"),
    ("author-name", None),
    ("rail rail--trending", "related"),
    ("mostread-box", "related"),
    ("post-list post-list--most-popular", "related"),
    ("most-viewed-stories", "related"),
])
def test_class_names_of_paywalls_and_author_boxes(cls, expected):
    (block,) = read_html(f"<html><body><div class='{cls}'><p>Text</p></div></body></html>").blocks
    assert block.hints.get("container") == expected


def test_html_an_article_behind_a_paywall_class_is_the_article():
    html = page(f"<div class='entry-content paywall-container'>{PARAS}</div>")
    assert body_texts(html) == BODY


def test_html_comments_inside_the_article_element_are_dropped_even_when_longer_than_it():
    comments = "".join(
        f"<li><p>reader{n} says:</p><p>I have taken the bus for {n + 10} years and I still think this whole plan "
        f"is a waste of our money, and the council should have asked the people who ride it every day.</p></li>"
        for n in range(12))
    short = "".join(f"<p>{t}</p>" for t in BODY[:2])
    texts = body_texts(page(f"{short}<ol class='comment-list'>{comments}</ol>"))
    assert texts == BODY[:2]


def test_html_an_author_bio_box_is_not_the_article_but_its_byline_is_read():
    top = ("<div class='author-box'><div class='author-name'>By Jane Doe</div>"
           "<div class='date'>November 19, 2025</div></div>")
    bio = ("<div class='author-bio'><p>Jane Doe covers city hall and transport for Example Media and has "
           "written about trams, buses and bicycles for more than ten years.</p></div>")
    art = artclean.clean(page(top + PARAS + bio), input="html")
    assert [art.lead] + [p.text for p in art.body] == BODY
    assert art.byline == "Jane Doe"


def test_html_a_caption_class_makes_a_caption_not_a_paragraph():
    caption = ("Commuters wait for the first tram at the central station on Tuesday, November 18, 2025, "
               "the day the council voted on the new line.")
    gallery = (f"<div class='gallery'><ul><li><img src='a.jpg' alt=''><div class='caption'>"
               f"<div class='caption-text'>{caption}</div><span class='credit'>Photo: Jane Doe</span>"
               f"</div></li></ul></div>")
    art = artclean.clean(page(gallery + PARAS), input="html")
    assert [art.lead] + [p.text for p in art.body] == BODY
    assert caption in [c.text for c in art.captions]


def test_html_the_text_in_a_small_picture_wrapper_is_its_caption():
    caption = "An astronaut works outside the space station in this file photo made available by NASA."
    art = artclean.clean(page(f"<div class='image top'><img src='a.jpg' alt=''><p>{caption}</p></div>" + PARAS),
                         input="html")
    assert [art.lead] + [p.text for p in art.body] == BODY
    assert caption in [c.text for c in art.captions]
    media = f"<div class='media-wrapper'><img src='a.jpg' alt=''><div>{caption}</div></div>"
    assert [b.kind for b in read_html(f"<html><body>{media}</body></html>").blocks] == ["figcaption"]


def test_html_camel_case_class_names_are_read_word_by_word():
    caption = "Passengers board the first tram of the new line at the central station on Tuesday morning."
    figure = (f"<div class='InlineImage-imageEmbed'><div class='InlineImage-wrapper'><img src='a.jpg' alt=''></div>"
              f"<div class='InlineImage-imageEmbedCaption'>{caption}</div>"
              f"<div class='InlineImage-imageEmbedCredit'>Jane Doe | Example Images</div></div>")
    art = artclean.clean(page(figure + PARAS), input="html")
    assert [p.text for p in art.body] == BODY[1:] and art.lead == BODY[0]
    assert caption in [c.text for c in art.captions]
    ids = "<li class='item old-record-id-PFk9dDFpTo0qJgx9vR'><p>Text</p></li>"
    (block,) = read_html(f"<html><body><ul>{ids}</ul></body></html>").blocks
    assert block.hints.get("container") is None  # a random id's letters are no words ("dFp")


def test_html_a_large_element_with_a_caption_class_is_not_a_caption():
    header = ("<div class='item-caption'><div>von Jane Doe</div><p>The council approved the tram line after six "
              "hours of debate.</p><dl><dt>2 min</dt><dt>19.11.2025</dt></dl></div>")
    kinds = [b.kind for b in read_html(f"<html><body>{header}</body></html>").blocks]
    assert "figcaption" not in kinds
    html = f"<html><body class='f_caption_muted_videos_on'><article><h1>Tram</h1>{PARAS}</article></body></html>"
    assert body_texts(html) == BODY


@pytest.mark.parametrize("opening", ["<button class='menu-button'><span>Menu</span>",
                                     "<noscript><div id='nojs'></noscript>"])
def test_a_page_an_unclosed_button_or_noscript_swallowed_is_read_with_their_text(opening):
    html = f"<html><body>{opening}<main><article><h1>Tram</h1>{PARAS}</article></main></body></html>"
    result = read_html(html)
    assert [b.text for b in result.blocks if b.kind == "p"] == BODY
    assert any("unclosed" in w for w in result.warnings)
    assert body_texts(html) == BODY


def test_button_and_noscript_text_is_still_dropped_on_a_readable_page():
    html = ("<html><body><noscript>Please turn on JavaScript.</noscript><article><h1>Tram</h1>"
            f"{PARAS}<button>Load more</button></article></body></html>")
    result = read_html(html)
    assert "Please turn on JavaScript." not in [b.text for b in result.blocks]
    assert not any("Load more" in b.text for b in result.blocks) and not result.warnings


def test_a_sentence_wrapped_by_br_is_one_paragraph_but_lines_and_code_are_not():
    wrapped = ("<p>Gym equipment refers to the machines, tools and accessories used in a<br>\n"
               "fitness facility to help people reach their goals.<br>\nThe guide explains each one.</p>")
    assert [b.text for b in read_html(wrapped).blocks] == [
        "Gym equipment refers to the machines, tools and accessories used in a fitness facility to help people "
        "reach their goals.", "The guide explains each one."]
    assert [b.text for b in read_html("<p>Jane Doe<br><br>editor at large</p><p>Berlin:<br>sunny</p>").blocks] == [
        "Jane Doe", "editor at large", "Berlin:", "sunny"]
    assert [b.text for b in read_html("<pre>import os<br>print(os.sep)</pre>").blocks] == ["import os", "print(os.sep)"]


def test_a_footer_class_outside_the_article_is_furniture_inside_it_a_card_footer():
    about = ("Example Media is an independent newsroom that has covered the city and its transport since 1990, "
             "supported by its readers.")
    html = page(PARAS + "<div class='card'><p>A card</p><div class='card-footer'>More from the desk</div></div>",
                after=f"<div id='footer'><p>{about}</p></div>")
    assert about not in body_texts(html)
    by_text = {b.text: b.hints.get("container") for b in read_html(html).blocks}
    assert by_text[about] == "footer" and by_text["More from the desk"] is None


def test_html_a_titled_card_with_a_date_inside_the_article_does_not_start_a_new_article():
    card = ("<h4>From the blog</h4><p><a href='/tips'>Filming on a budget: seven cheap equipment tips</a></p>"
            "<div class='date'>February 14, 2019</div>")
    html = page("<div class='date'>April 19, 2025</div>" + "".join(f"<p>{t}</p>" for t in BODY[:2]) +
                "<h3>What the council decided</h3>" + card + "<h4>Tips for riders</h4>" +
                "".join(f"<p>{t}</p>" for t in BODY[2:]))
    texts = body_texts(html)
    assert texts[:2] == BODY[:2] and texts[-1] == BODY[-1]
    assert "What the council decided" in texts and "Tips for riders" in texts


def test_html_a_box_of_related_links_ends_the_article_like_a_menu():
    links = "".join(f"<li><a href='/news/{n}'>Council members argue about the budget for the year {2020 + n}</a></li>"
                    for n in range(6))
    promo = ("<div class='card'><p>Every weekday morning, find out what matters in the city before your coffee is cold, "
             "with the stories our reporters think you should read.</p></div>")
    texts = body_texts(page(PARAS, after=f"<div class='related-stories'><h3>Read next</h3><ul>{links}</ul></div>{promo}"))
    assert texts == BODY


def test_html_a_form_inside_the_article_is_not_its_text():
    form = ("<footer class='post-footer'><form class='signup'><h4>Stay up to date</h4><input type='email'>"
            "<label><p>I agree that Example Media may send me regular news about the city council and its work.</p>"
            "<p>I consent to the processing of my data as described in the privacy policy of Example Media.</p>"
            "</label><button>Sign up</button></form></footer>")
    short = "".join(f"<p>{t}</p>" for t in BODY[:2])
    assert body_texts(page(short + form)) == BODY[:2]


def test_html_the_article_does_not_go_on_past_a_sidebar_to_prose_below_it():
    links = "".join(f"<li><a href='/topics/{n}'>Topic {n}</a></li>" for n in range(8))
    promo = ("<div class='band'><p>Our newsroom is funded by readers like you, and every gift, however small, keeps "
             "our reporters at city hall and in the courts for another year.</p></div>")
    texts = body_texts(page(PARAS, after=f"<aside class='sidebar'><h3>Topics</h3><ul>{links}</ul></aside>{promo}"))
    assert texts == BODY
