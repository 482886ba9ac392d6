"""Headline, byline and date of whole pages in text mode (the browser text of a page, menus included)."""

import artclean

NAV = ["Home", "News", "Sport", "Business", "Culture", "Travel", "Contact", "Search"]


def clean(lines, lang):
    return artclean.clean("\n".join(lines) + "\n", input="text", lang=lang)


EN_BODY = [
    "The city council approved the new tram line on Tuesday after a debate that lasted more than six hours.",
    "Supporters of the tram line said it would cut travel times for thousands of commuters every single day.",
    "Opponents of the plan argued that the money should have gone to the bus network and to road repairs instead.",
    "Construction of the tram line is expected to begin next spring and to take about three years in all.",
]
EN_CONTENTS = ["Why the tram line matters", "What the opponents say", "When construction starts"]


def en_page(header, contents=EN_CONTENTS, gap=0):
    body = []
    for heading, paragraph in zip(contents, EN_BODY):
        body += [heading, paragraph]
    filler = [f"Topic {n}" for n in range(gap)]  # a long menu between the header and the article
    return NAV + header + filler + ["Contents"] + list(contents) + body + ["Share this story", "Newsletter"]


def test_the_title_above_a_byline_beats_a_contents_entry_the_article_repeats():
    art = clean(en_page(["Council approves the new tram line", "By Jane Doe", "March 4, 2025"]), "en")
    assert art.headline == "Council approves the new tram line"
    assert art.byline == "Jane Doe"
    assert art.date == "2025-03-04"


def test_the_header_is_found_far_above_the_article():
    art = clean(en_page(["Council approves the new tram line", "Written By Jane Doe", "March 4, 2025"], gap=50), "en")
    assert art.headline == "Council approves the new tram line"
    assert art.byline == "Jane Doe"  # "Written By" and "By" alike, 50 lines above the article
    assert art.date == "2025-03-04"


def test_a_bare_name_below_the_headline_wins_over_a_menu_item_above_it():
    lines = NAV + ["Press Releases", "March 4, 2025", "Council approves the new tram line", "Listen to this article",
                   "Jane Doe"]
    art = clean(lines + EN_BODY, "en")
    assert art.byline == "Jane Doe"


def test_a_dateline_signed_at_its_end_gives_the_byline():
    art = clean(NAV + ["Council approves the new tram line", "Posted on March 4, 2025 by Jane Doe"] + EN_BODY, "en")
    assert art.byline == "Jane Doe"
    assert art.date == "2025-03-04"


def test_a_signature_below_the_article_is_the_byline():
    art = clean(NAV + ["Council approves the new tram line"] + EN_BODY + ["By Jane Doe", "Related posts"], "en")
    assert art.byline == "Jane Doe"


DE_BODY = [
    "Der Stadtrat hat am Dienstag nach einer langen Debatte die neue Straßenbahnlinie durch die Innenstadt beschlossen.",
    "Die Befürworter sagen, dass die Linie die Fahrzeiten für tausende Pendler jeden Tag deutlich verkürzen wird.",
    "Die Gegner meinen, dass das Geld besser in die Busse und in die Sanierung der Straßen geflossen wäre.",
    "Der Bau der Strecke soll im nächsten Frühjahr beginnen und wird nach den Plänen etwa drei Jahre dauern.",
]


def test_german_byline_and_date_far_above_the_article():
    lines = NAV + ["Stadtrat beschließt die neue Straßenbahnlinie", "Von Anna Schmidt", "4. März 2025"]
    lines += [f"Thema {n}" for n in range(50)] + DE_BODY
    art = clean(lines, "de")
    assert art.headline == "Stadtrat beschließt die neue Straßenbahnlinie"
    assert art.byline == "Anna Schmidt"
    assert art.date == "2025-03-04"


FR_BODY = [
    "Le conseil municipal a approuvé mardi la nouvelle ligne de tramway après un débat qui a duré plus de six heures.",
    "Les partisans de la ligne affirment qu'elle réduira le temps de trajet de milliers de personnes chaque jour.",
    "Les opposants estiment que cet argent aurait dû aller au réseau de bus et à la réfection des routes.",
]


def test_french_dateline_signed_with_par():
    art = clean(NAV + ["Le conseil approuve la nouvelle ligne de tramway", "4 mars 2025 par Marie Dupont"] + FR_BODY,
                "fr")
    assert art.headline == "Le conseil approuve la nouvelle ligne de tramway"
    assert art.byline == "Marie Dupont"
    assert art.date == "2025-03-04"


# ------------------------------------------------------------------ HTML


HTML_BODY = "".join(f"<p>{p}</p>" for p in EN_BODY)


def html_page(head="", before="", article="", after=""):
    return (f"<html><head>{head}</head><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>{before}"
            f"<article>{article}{HTML_BODY}</article>{after}<footer>© 2025 Example</footer></body></html>")


def test_html_the_h1_is_the_headline_without_the_section_every_title_carries():
    head = ("<title>Council approves the tram line | Opinion</title>"
            "<meta property='og:title' content='Council approves the new tram line | Opinion'>")
    art = artclean.clean(html_page(head, article="<h1>Council approves the new tram line | Opinion</h1>"), input="html")
    assert art.headline == "Council approves the new tram line"


def test_html_a_site_suffix_is_cut_when_the_address_names_the_site():
    head = ("<title>Council approves the tram line | Gazette Metro</title>"
            "<meta property='og:url' content='https://metro.gazette.example/news/tram'>")
    art = artclean.clean(html_page(head), input="html")
    assert art.headline == "Council approves the tram line"


def test_html_an_author_element_that_names_nobody_the_metadata_names_gives_way_to_the_metadata():
    jsonld = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Tram line approved",'
              ' "author": {"@type": "Person", "name": "Jane Doe"}}</script>')
    art = artclean.clean(html_page(jsonld, before="<div class='author-menu'>Home</div>"), input="html")
    assert art.byline == "Jane Doe"


def test_html_labels_and_icons_in_author_elements_are_not_bylines():
    page = html_page(before="<div class='author'>How we reviewed this article:</div>")
    assert artclean.clean(page, input="html").byline is None


def test_html_the_author_box_below_the_article_names_the_author():
    box = "<div class='author-box'><p class='author_name'>Jane Doe</p><p>Jane covers transport.</p></div>"
    art = artclean.clean(html_page(after=box), input="html")
    assert art.byline == "Jane Doe"


def test_html_a_byline_glued_to_its_marker():
    art = artclean.clean(html_page(article="<h1>Tram line approved</h1><div><span>By</span><span>Jane Doe</span></div>"),
                         input="html", lang="en")
    assert art.byline == "Jane Doe"


def test_html_the_date_in_the_page_header_by_the_h1_is_the_date():
    header = "<header><h1>Council approves the tram line</h1><div>Dec 12, 2025 • Jane Doe in Transport</div></header>"
    menu = "".join(f"<p><a href='/t{n}'>Topic {n}</a></p>" for n in range(50))  # the article starts far below
    art = artclean.clean(html_page(before=header + menu), input="html", lang="en")
    assert art.headline == "Council approves the tram line"
    assert art.date == "2025-12-12"


def test_the_date_next_to_the_byline_is_the_date_even_far_from_the_headline():
    header = ["Our experts", "years of experience", "By Jane Doe", "Dec 18, 2025", "14 min read"]
    page = NAV + header + [f"Topic {n}" for n in range(60)] + ["Council approves the new tram line"] + EN_BODY
    art = clean(page, "en")
    assert art.byline == "Jane Doe"
    assert art.date == "2025-12-18" and art.meta["date_text"] == "Dec 18, 2025"


def test_a_short_line_among_menu_items_is_not_the_headline():
    menu = ["Transport", "Tram line commuters", "Buses", "Roads"]  # a menu entry the article's words fill
    art = clean(NAV + ["Council approves new tram"] + menu + EN_BODY, "en")
    assert art.headline == "Council approves new tram"


def test_an_explicit_written_by_with_one_name_is_the_byline():
    art = clean(NAV + ["Council approves the new tram line", "Written by Kristin", "March 4, 2025"] + EN_BODY, "en")
    assert art.byline == "Kristin"


JSONLD_DATES = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Council approves the tram line",'
                ' "datePublished": "2023-05-30T18:24:00+00:00", "dateModified": "2025-10-17T16:53:49-04:00"}</script>')


def test_html_a_page_that_shows_only_its_update_date_gets_the_published_date_of_its_metadata():
    article = "<h1>Council approves the tram line</h1><p>Last Updated: October 17, 2025</p>"
    art = artclean.clean(html_page(JSONLD_DATES, article=article), input="html", lang="en")
    assert art.date.startswith("2023-05-30")


def test_html_a_visible_publication_date_stays_when_the_metadata_differs():
    article = "<h1>Council approves the tram line</h1><p>Published: October 17, 2025</p>"
    art = artclean.clean(html_page(JSONLD_DATES, article=article), input="html", lang="en")
    assert art.date.startswith("2025-10-17")


def test_html_the_dateline_names_the_author():
    for line in ("Published August 7, 2023 by Jane Doe", "Jane Doe | August 7, 2023", "Aug 7, 2023Jane Doe",
                 "August 7, 2023 · 3 min read · By Jane Doe", "Posted August 7, 2023 by Jane Doe and John Roe"):
        article = f"<h1>Council approves the tram line</h1><div class='meta'>{line}</div>"
        art = artclean.clean(html_page(article=article), input="html", lang="en")
        assert art.date == "2023-08-07", line
        assert art.byline in ("Jane Doe", "Jane Doe and John Roe"), line


def test_html_a_dateline_with_categories_names_no_author():
    article = "<h1>Council approves the tram line</h1><div class='meta'>Transport, Cities · August 7, 2023</div>"
    art = artclean.clean(html_page(article=article), input="html", lang="en")
    assert art.date == "2023-08-07"
    assert art.byline is None


def test_a_title_ending_in_a_question_mark_that_opens_the_article_is_the_headline():
    # a title that ends like a sentence starts the run of article text; the section label above it is no headline
    title = "Will the new tram line really change the way the whole city travels?"
    lines = NAV + ["All articles", "Local politics", title, "March 4, 2025"]
    art = clean(lines + EN_BODY, "en")
    assert art.headline == title
    assert art.date == "2025-03-04"
    assert "Will the new tram line" not in art.main_text


def test_a_long_summary_under_the_title_is_not_the_headline():
    summary = ("How a six-hour debate, a divided council and thousands of daily commuters decided the future of "
               "the city's trams for the next thirty years")
    lines = NAV + ["Council approves the new tram line", summary, "By Jane Doe", "March 4, 2025"]
    art = clean(lines + EN_BODY, "en")
    assert art.headline == "Council approves the new tram line"


def test_the_author_a_dateline_names_is_the_byline():
    art = clean(NAV + ["Council approves the new tram line", "Jane Doe | March 4, 2025 | 5 min read"] + EN_BODY, "en")
    assert art.byline == "Jane Doe"
    assert art.date == "2025-03-04"


def test_the_name_under_the_headline_beats_a_label_under_a_dateline_above_it():
    lines = NAV + ["March 4, 2025", "Urban Transport", "Council approves the new tram line", "Jane Doe"]
    art = clean(lines + EN_BODY, "en")
    assert art.headline == "Council approves the new tram line"
    assert art.byline == "Jane Doe"


def test_a_byline_with_its_reading_time_after_a_separator():
    art = clean(NAV + ["Council approves the new tram line", "By Jane Doe · 6 min read"] + EN_BODY, "en")
    assert art.byline == "Jane Doe"


def test_a_bare_name_with_a_capital_inside_a_word_is_the_byline():
    art = clean(NAV + ["Council approves the new tram line", "Jane MacDonald", "March 4, 2025"] + EN_BODY, "en")
    assert art.byline == "Jane MacDonald"


def test_a_title_printed_twice_in_a_row_beats_a_subheading_by_the_article():
    lines = NAV + ["Council approves the new tram line", "Council approves the new tram line",
                   "What the tram line means for commuters"]
    art = clean(lines + EN_BODY, "en")
    assert art.headline == "Council approves the new tram line"


def test_a_bare_name_with_its_degrees_is_the_byline():
    art = clean(NAV + ["Council approves the new tram line", "Jane Doe, MS, RD", "March 4, 2025"] + EN_BODY, "en")
    assert art.byline == "Jane Doe, MS, RD"


def test_an_article_by_marker_on_its_own_line_over_the_name():
    lines = NAV + ["Council approves the new tram line", "Article by:", "Jane Doe and John Roe", "March 4, 2025"]
    art = clean(lines + EN_BODY, "en")
    assert art.byline == "Jane Doe and John Roe"


def test_a_bare_name_three_lines_under_the_headline():
    lines = NAV + ["Council approves the new tram line", "Listen to this article", "Share", "Jane Doe"]
    art = clean(lines + EN_BODY, "en")
    assert art.byline == "Jane Doe"


def test_a_published_stamp_under_the_article_gives_the_date_when_none_stands_above():
    art = clean(NAV + ["Council approves the new tram line"] + EN_BODY + ["Published March 4, 2025", "Related posts"],
                "en")
    assert art.date == "2025-03-04"


def test_a_bare_date_under_the_article_is_no_publication_date():
    lines = NAV + ["Council approves the new tram line"] + EN_BODY + ["Comments", "Jane says:", "March 9, 2025"]
    assert clean(lines, "en").date is None


def test_a_published_label_over_a_date_under_the_article():
    lines = NAV + ["Council approves the new tram line"] + EN_BODY + ["Published", "March 4, 2025", "Related posts"]
    assert clean(lines, "en").date == "2025-03-04"


def test_a_breadcrumb_trail_is_not_the_headline():
    crumbs = "News › Transport › Tram line approved by the council for commuters"
    lines = NAV + ["Council approves the new tram line", crumbs]
    art = clean(lines + EN_BODY, "en")
    assert art.headline == "Council approves the new tram line"


def test_a_title_that_ends_in_initials_is_a_title_line():
    lines = NAV + ["Business Insurance", "Commercial Auto", "The fastest growing tram networks in the U.S.",
                   "By Jane Doe", "March 4, 2025"]
    art = clean(lines + EN_BODY, "en")
    assert art.headline == "The fastest growing tram networks in the U.S."


def test_a_user_name_after_by_in_the_dateline_is_the_byline():
    art = clean(NAV + ["Council approves the new tram line", "by tramfan42 | March 4, 2025"] + EN_BODY, "en")
    assert art.byline == "tramfan42"
    assert art.date == "2025-03-04"


def test_the_name_that_opens_a_dateline_with_tags_after_the_date():
    art = clean(NAV + ["Council approves the new tram line", "Jane Doe 4 March 2025 Transport, City Council"] + EN_BODY,
                "en")
    assert art.byline == "Jane Doe"
    assert art.date == "2025-03-04"


def test_a_title_ending_in_an_exclamation_mark_opens_the_article_without_a_dateline():
    title = "The best tram rides in the whole city, tested by our readers!"
    art = clean(NAV + ["Sign In", "Follow Me", title] + EN_BODY, "en")
    assert art.headline == title


def test_a_question_that_opens_the_article_is_no_headline_over_the_title_above_it():
    lines = NAV + ["Council approves the new tram line", "By Jane Doe", "March 4, 2025", "Contents",
                   "Who exactly will ride the new tram line every single day?"]
    art = clean(lines + EN_BODY, "en")
    assert art.headline == "Council approves the new tram line"


def test_a_two_word_section_label_over_the_article_is_not_the_headline():
    lines = NAV + ["City votes for a new way to travel", "Share", "Tram Commuters"]
    art = clean(lines + EN_BODY, "en")
    assert art.headline == "City votes for a new way to travel"


def test_a_byline_in_capitals_run_into_its_stamp_label():
    lines = NAV + ["Council approves the new tram line", "BY JANE DOEUPDATED: MAR 4, 2025 6:15 PM EST"]
    art = clean(lines + EN_BODY, "en")
    assert art.byline == "JANE DOE"
    assert art.date.startswith("2025-03-04")


def test_a_closing_written_by_sentence_names_the_author():
    signature = "This article was written by Jane Doe, MD, transport researcher at the city university."
    art = clean(NAV + ["Council approves the new tram line"] + EN_BODY + [signature, "Related posts"], "en")
    assert art.byline == "Jane Doe, MD"
    assert "This article was written by" not in art.main_text


def test_a_browse_by_menu_entry_is_no_byline():
    lines = ["Solutions", "By Use Case", "Remote Support", "BY INDUSTRY", "Healthcare"] + NAV + \
        ["Council approves the new tram line", "Jane Doe", "March 4, 2025"]
    art = clean(lines + EN_BODY, "en")
    assert art.byline == "Jane Doe"


def test_the_writer_beside_a_medical_reviewer_is_the_byline():
    header = "Medically reviewed by John Roe, MD — Written by Jane Doe, MS, RD — Updated on March 7, 2025"
    art = clean(NAV + ["Council approves the new tram line", header] + EN_BODY, "en")
    assert art.byline == "Jane Doe, MS, RD"
    art = clean(NAV + ["Council approves the new tram line", "By Jane Doe, DVM. Reviewed by John Roe, DVM"] + EN_BODY,
                "en")
    assert art.byline == "Jane Doe, DVM"


def test_the_name_in_the_dateline_under_the_headline_beats_a_by_line_far_above():
    teaser = ["Popular now", "Ten gardens to visit this spring", "by John Roe"]
    lines = teaser + NAV + ["Council approves the new tram line", "Jane Doe March 4, 2025"]
    art = clean(lines + EN_BODY, "en")
    assert art.byline == "Jane Doe"
    assert art.date == "2025-03-04"
