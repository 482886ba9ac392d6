"""Features and context decisions of classify on small hand-written pages."""

import artclean
from artclean.classify import char_scale
from artclean.model import Block

JA_BODY = [
    "市議会は火曜日、六時間を超える議論の末に新しい路面電車の路線計画を承認し、工事は来年の春に始まる見通しとなった。",
    "賛成派の議員は、新しい路線によって毎日数千人の通勤客の移動時間が大幅に短くなると説明し、早期の着工を求めた。",
    "反対派はその予算をバス路線の改善や道路の補修に回すべきだったと主張し、住民説明会をもう一度開くよう求めている。",
]


def test_japanese_sentences_are_prose_and_the_menu_is_not():
    page = ["ホーム", "ニュース", "スポーツ", "経済", "お問い合わせ", "新しい路面電車の路線を承認"] + JA_BODY + ["利用規約", "プライバシー"]
    art = artclean.clean("\n".join(page) + "\n", input="text")
    assert [p.text for p in art.body] == JA_BODY[1:] and art.lead == JA_BODY[0]
    assert {r.text for r in art.removed} >= {"ホーム", "ニュース", "利用規約"}


def test_wide_scripts_count_double_and_latin_text_does_not():
    assert char_scale([Block(text=t, line=i) for i, t in enumerate(JA_BODY)]) == 2
    assert char_scale([Block(text="Ein ganz gewöhnlicher Satz über München.", line=1)]) == 1
    mixed = [Block(text="The council met on Tuesday and approved the plan for the new line.", line=1),
             Block(text="東京", line=2)]
    assert char_scale(mixed) == 1


ARTICLE = """<html><body>
<nav><a href="/">Home</a> <a href="/recipes">Recipes</a></nav>
<article>
<h1>A week of simple meal prep</h1>
<p>Cooking once on Sunday for the whole week saves time, money and a lot of stress on busy weekday evenings.</p>
<p>The plan below keeps every meal simple: a protein, a vegetable and a small portion of grains or fruit.</p>
<h2>Monday</h2>
<p>Breakfast</p>
<p>Two eggs, spinach</p>
<p>Lunch</p>
<p>Chicken, rice, peppers</p>
<h2>Tuesday</h2>
<p>Breakfast</p>
<p>Oats, blueberries</p>
<p>Lunch</p>
<p>Lentil soup, bread</p>
<div class="tags"><a href="/t/1">Meal prep</a> <a href="/t/2">Healthy eating</a></div>
<p>Always check the labels.</p>
</article>
<footer>Copyright 2025 Example Media</footer>
</body></html>"""


def test_html_short_lines_inside_the_article_element_stay_with_it():
    art = artclean.clean(ARTICLE, input="html")
    texts = [p.text for p in art.body]
    assert texts[-4:] == ["Breakfast", "Oats, blueberries", "Lunch", "Lentil soup, bread"]
    assert "Two eggs, spinach" in texts
    assert "Meal prep Healthy eating" not in texts and "Always check the labels." not in texts  # after the tag list


ARTICLE_EN = [
    "The city council approved the new tram line on Tuesday after a debate that lasted more than six hours.",
    "Supporters said the line would cut travel times for thousands of commuters every single working day.",
    "Opponents argued that the money should have gone to the bus network and to road repairs instead.",
]
COMMENTS = [line for n in range(8) for line in (
    f"reader{n} says:", f"November {n + 3}, 2025 at 6:{10 + n} am",
    f"I have taken the bus for {n + 10} years and I still think this whole plan is a waste of our money, honestly.",
)]


def test_a_comment_thread_longer_than_the_article_is_not_the_article():
    page = ["Home", "News", "Council approves the tram line", "Posted by Jane Doe on November 2, 2025"] + \
        ARTICLE_EN + ["Share this:", "8 responses to “Council approves the tram line”"] + COMMENTS + ["Leave a Reply"]
    art = artclean.clean("\n".join(page) + "\n", input="text", lang="en")
    assert [art.lead] + [p.text for p in art.body] == ARTICLE_EN
    marker = next(r for r in art.removed if r.text.startswith("8 responses"))
    assert marker.rule == "en.comments-section"


def test_a_comments_marker_above_the_article_does_not_end_it():
    page = ["Council approves the tram line", "Leave a Reply"] + ARTICLE_EN
    art = artclean.clean("\n".join(page) + "\n", input="text", lang="en")
    assert [art.lead] + [p.text for p in art.body] == ARTICLE_EN


def test_a_long_paragraph_above_a_picture_credit_is_text_not_a_caption():
    para = ("Teamchef Anna Berger hat die Mannschaft für das Turnier im März nominiert und setzt dabei auf zwei "
            "junge Spielerinnen, die zum ersten Mal im Kader stehen.")
    page = ["Berger nominiert zwei Neulinge", para, "© Tennisverband"] + [
        f"Die Spielerinnen trainieren seit {n} Wochen gemeinsam in der Halle und bereiten sich auf die Partien vor."
        for n in range(3, 6)]
    art = artclean.clean("\n".join(page) + "\n", input="text", lang="de")
    assert para in [art.lead] + [p.text for p in art.body]
    assert para not in [c.text for c in art.captions]


def test_a_sentence_that_introduces_a_quotation_starts_the_article():
    intro = "Vor langer Zeit hatte ich schon einmal über eine Behauptung geschrieben, die man oft hört:"
    quote = "„Das Land hat die Impfung verboten, weil so viele Mädchen daran gestorben sind, sagen die Leute immer.“"
    rest = [f"Das stimmt nicht, und die Zahlen des Ministeriums zeigen das seit {n} Jahren sehr deutlich für jeden."
            for n in range(3, 7)]
    page = ["Startseite", "Japan und die Impfung", "Von Anna Berger - 30. Juli 2023", intro, quote] + rest
    art = artclean.clean("\n".join(page) + "\n", input="text", lang="de")
    assert intro in [art.lead] + [p.text for p in art.body]


BODY_EN = [f"Paragraph {n} of the story says what the council decided, why it matters and who will pay for it in the end."
           for n in range(2, 8)]
TOC = "".join(f'<li><a href="#s{n}">Section {n} of this story</a></li>' for n in range(1, 16))


def test_html_the_lead_above_a_table_of_contents_in_the_article_element_is_the_article():
    lead = "The city council approved the new tram line on Tuesday after a debate of more than six hours."
    teaser = "Another story: the mayor opened a new library in the old town hall, with a cafe and a reading garden."
    html = (f"<html><body><article><h2>Library opens</h2><p>{teaser}</p></article>"
            f"<article><h1>Council approves the tram line</h1><p>{lead}</p><ul>{TOC}</ul>"
            + "".join(f"<p>{t}</p>" for t in BODY_EN) + "</article></body></html>")
    art = artclean.clean(html, input="html")
    texts = [art.lead] + [p.text for p in art.body]
    assert lead in texts and BODY_EN[-1] in texts
    assert teaser not in texts  # another article element
    assert not any(t.startswith("Section") for t in texts)


def test_html_a_linked_paragraph_does_not_end_the_article_but_a_box_of_links_does():
    tip = '<p><a href="/more">Pro tip: more meal ideas here!</a></p>'
    box = '<h3>Trending now</h3><div class="list"><a href="/a">Some other story</a> <a href="/b">And one more</a></div>'
    html = ("<html><body><article><h1>Meal prep</h1>" + "".join(f"<p>{t}</p>" for t in BODY_EN)
            + "<h3>Breakfast</h3><p>Two eggs, spinach</p>" + tip + "<h3>Lunch</h3><p>Lentil soup, bread</p>"
            + box + "<p>Thanks for reading.</p>"
            + "<footer><p>Did you like this article?</p></footer></article></body></html>")
    texts = [p.text for p in artclean.clean(html, input="html").body]
    assert BODY_EN[-1] in texts and "Lentil soup, bread" in texts
    assert "Trending now" not in texts and "Thanks for reading." not in texts
    assert "Did you like this article?" not in texts


CODE = ["import os", "from pathlib import Path", "def clean_cache(root):", "    for f in Path(root).glob('*.tmp'):",
        "        os.remove(f)", "    return root", "clean_cache('/var/tmp')", "print('done')"]


def test_text_the_article_goes_on_past_a_code_block_when_its_prose_resumes():
    after = [f"After the cleanup step {n}, the build finished in half the time and the disk stayed free for weeks."
             for n in range(1, 5)]
    page = ["Home", "Blog", "About", "Cleaning a build cache"] + BODY_EN + ["\n".join(CODE)] + after + ["Contact"]
    art = artclean.clean("\n\n".join(page) + "\n", input="text", lang="en")
    texts = [art.lead] + [p.text for p in art.body]
    assert after[-1] in texts and "from pathlib import Path" in texts
    assert not any(p.type == "subheading" for p in art.body if p.text in CODE)  # no line of code as a heading
    assert "Contact" not in texts


def test_text_the_article_is_not_joined_across_a_menu_of_capitalised_lines():
    teaser = "The mayor opened a new library in the old town hall on Friday, with a cafe and a garden for reading."
    page = ["Council approves the tram line"] + BODY_EN + ["Housing Prices", "Tram Works Begin",
                                                          "Mayor Opens Library", teaser]
    texts = [p.text for p in artclean.clean("\n".join(page) + "\n", input="text", lang="en").body]
    assert BODY_EN[-1] in texts and teaser not in texts


def test_text_a_list_the_article_introduces_with_a_colon_is_the_articles_end():
    intro = "The band will play these dates next summer:"
    dates = ["June 9 – Tampa, FL @ Harbour Arena", "June 12 – Raleigh, NC @ Walnut Creek Amphitheatre",
             "June 14 – Camden, NJ @ Riverside Pavilion", "June 17 – Boston, MA @ Harbor Lights Stage",
             "June 20 – Toronto, ON @ Lakeshore Hall"]
    page = ["Home", "Music", "Band announces summer tour"] + BODY_EN + [intro] + dates + [
        "", "Facebook", "Twitter", "Newsletter", "Privacy Policy"]
    texts = [p.text for p in artclean.clean("\n".join(page) + "\n", input="text", lang="en").body]
    assert intro in texts and dates[-1] in texts
    assert "Privacy Policy" not in texts


def test_text_without_a_colon_a_list_after_the_article_is_not_joined():
    teasers = ["Mayor Opens New Library", "Tram Works Begin In March", "Housing Prices Fall Again",
               "School Strike Ends"]
    page = ["Council approves the tram line"] + BODY_EN + ["More from the city"] + teasers
    texts = [p.text for p in artclean.clean("\n".join(page) + "\n", input="text", lang="en").body]
    assert BODY_EN[-1] in texts and not set(teasers) & set(texts)


def test_text_a_thread_of_dated_comments_longer_than_the_article_is_not_the_article():
    thread = []
    for n, name in enumerate(["Maria Keller", "Tom", "Maria Keller", "Jens Ohm"]):
        thread += [f"{name} says:", f"November {n + 3}, 2025 at 6:{10 + n} pm",
                   f"I have taken the bus for {n + 10} years and I still think this whole plan is a waste of our "
                   "money, and the council should have asked the people who actually ride the buses every day."]
    page = ["Home", "News", "Council approves the tram line", "By Jane Doe", "November 2, 2025"] + ARTICLE_EN + [
        "4 Comments"] + thread
    art = artclean.clean("\n".join(page) + "\n", input="text", lang="en")
    assert [art.lead] + [p.text for p in art.body] == ARTICLE_EN


def test_text_an_updated_line_over_the_articles_date_is_no_comment_header():
    page = ["Council approves the tram line", "Last updated on:", "November 2, 2025 at 6:10 pm"] + ARTICLE_EN + [
        "Last updated on:", "November 2, 2025 at 6:10 pm", BODY_EN[0]]
    art = artclean.clean("\n".join(page) + "\n", input="text", lang="en")
    assert BODY_EN[0] in [p.text for p in art.body]


def test_text_a_paragraph_the_page_repeats_is_kept_once():
    caption = "The mayor and the head of the transport authority cut the ribbon at the new depot on Tuesday morning."
    page = ["Council approves the tram line", ARTICLE_EN[0], caption, "Image 1 of 3", caption, caption] + \
        ARTICLE_EN[1:] + ["Back to gallery"]
    art = artclean.clean("\n".join(page) + "\n", input="text", lang="en")
    texts = [art.lead] + [p.text for p in art.body]
    assert texts.count(caption) == 1 and ARTICLE_EN[-1] in texts
    assert any(r.rule == "feature:repeat" for r in art.removed)


def test_text_an_article_split_by_a_box_of_teasers_starts_at_its_first_half():
    first = [f"Part {n} of the report: the council said the tram would run every ten minutes from the spring on."
             for n in range(1, 4)]
    box = ["Most read in city news", "BUS STRIKE", "Drivers walk out for a second day over pay and hours",
           "LIBRARY", "Old town hall library to stay open on Sundays from May", "FLOODS",
           "River level falls after a week of rain in the valley", "MARKET", "Christmas market opens early"]
    page = ["Home", "News", "Council approves the tram line", "By Jane Doe", "November 2, 2025"] + first + box + \
        ARTICLE_EN + BODY_EN
    art = artclean.clean("\n".join(page) + "\n", input="text", lang="en")
    texts = [art.lead] + [p.text for p in art.body]
    assert texts[0] == first[0] and BODY_EN[-1] in texts


def test_text_a_teaser_above_a_menu_is_not_joined_to_the_article():
    teaser = "The mayor opened a new library in the old town hall on Friday, with a cafe and a garden for reading."
    page = [teaser, "Housing Prices", "Tram Works Begin", "Mayor Opens Library", "Council approves the tram line"] + \
        BODY_EN
    art = artclean.clean("\n".join(page) + "\n", input="text", lang="en")
    assert teaser not in [art.lead] + [p.text for p in art.body]


def test_text_nothing_after_the_pages_copyright_footer_is_the_article():
    modal = [f"Programme note {n}: the training course runs for forty-four weeks and ends with a passing-out "
             "parade, and the cadets live at the academy in the hills for the whole of that time." for n in range(8)]
    more = [f"Section {n}: the works will close the main street for {n} weeks, and the shops there will get help "
            "from the city to make up for the customers they lose while the rails are laid." for n in range(2, 5)]
    page = ["Home", "News", "Council approves the tram line"] + ARTICLE_EN + BODY_EN + more + [
        "© 2025 Example Media Ltd. All rights reserved.", "Close", "INTRODUCTION"] + modal
    art = artclean.clean("\n".join(page) + "\n", input="text", lang="en")
    texts = [art.lead] + [p.text for p in art.body]
    assert texts[0] == ARTICLE_EN[0] and BODY_EN[-1] in texts and modal[0] not in texts


def test_text_a_copyright_line_in_a_top_bar_does_not_end_the_page():
    page = ["This browser is not supported. For the best experience visit our site with another browser, please.",
            "Top stories: the summer sale starts today with a quarter off all garden furniture, and the new phones "
            "are in the shops from Friday, with a case free for every reader who orders before Sunday.",
            "© 2025 EXAMPLE.COM", "Council approves the tram line"] + ARTICLE_EN + BODY_EN
    art = artclean.clean("\n".join(page) + "\n", input="text", lang="en")
    assert BODY_EN[-1] in [art.lead] + [p.text for p in art.body]
    assert art.headline == "Council approves the tram line"  # the footer line drops nothing after it


def test_text_a_short_label_ending_in_a_colon_inside_the_article_stays():
    page = ["Council approves the tram line"] + ARTICLE_EN + ["Funding source:", "City of Example"] + BODY_EN
    texts = [p.text for p in artclean.clean("\n\n".join(page) + "\n", input="text", lang="en").body]
    assert "Funding source:" in texts and BODY_EN[-1] in texts
