"""Headline, byline and date of HTML pages: the h1 weighed against the page's metadata."""

import artclean

BODY = "".join(f"<p>{p}</p>" for p in [
    "The city council approved the new tram line on Tuesday after a debate that lasted more than six hours.",
    "Supporters of the tram line said it would cut travel times for thousands of commuters every single day.",
    "Opponents of the plan argued that the money should have gone to the bus network and to road repairs instead.",
    "Construction of the tram line is expected to begin next spring and to take about three years in all.",
])


def page(head="", before="", article="", after=""):
    return (f"<html><head>{head}</head><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>{before}"
            f"<article>{article}{BODY}</article>{after}<footer>© 2025 Example</footer></body></html>")


def clean(html):
    return artclean.clean(html, input="html", lang="en")


def test_an_h1_that_is_the_site_name_is_not_the_headline():
    head = ("<title>Council approves the tram line – Riverside Notes</title>"
            "<meta property='og:site_name' content='Riverside Notes'>")
    art = clean(page(head, before="<header><h1>Riverside Notes</h1></header>"))
    assert art.headline == "Council approves the tram line"


def test_an_h1_that_shares_no_word_with_the_titles_is_a_section_name():
    head = ("<title>Council approves the tram line</title>"
            "<meta property='og:title' content='Council approves the tram line'>")
    art = clean(page(head, article="<h1>Our Blog</h1>"))
    assert art.headline == "Council approves the tram line"


def test_an_h1_that_rewords_the_title_stays_the_headline():
    head = "<title>Tram line approved after long debate | The Gazette</title>"
    art = clean(page(head, article="<h1>Council approves the new tram line</h1>"))
    assert art.headline == "Council approves the new tram line"


def test_an_h1_keeps_its_second_half_when_the_title_goes_on_without_a_separator():
    head = "<title>Tram Line Guide Tram Timetables Tram Fares…</title>"
    art = clean(page(head, article="<h1>Tram Line Guide :: Printable Timetable</h1>"))
    assert art.headline == "Tram Line Guide :: Printable Timetable"


def test_a_day_month_dateline_gives_way_to_the_metadata_that_reads_it_month_first():
    jsonld = ('<script type="application/ld+json">{"@type": "BlogPosting", "headline": "Tram line approved",'
              ' "datePublished": "2024-09-10T16:07:00Z"}</script>')
    art = clean(page(jsonld, article="<h1>Tram line approved</h1><p class='date'>09.10.2024</p>"))
    assert art.date.startswith("2024-09-10")


def test_an_author_element_with_a_user_name_and_a_date():
    art = clean(page(article="<h1>Tram line approved</h1><p class='post-byline'>by riverfan | Apr 21, 2025</p>"))
    assert art.byline == "riverfan"
    assert art.date == "2025-04-21"


def test_a_date_in_the_first_author_element_does_not_hide_the_name_in_the_next():
    meta = "<div class='blog_author'><div>August 28, 2025</div><div>•</div><div>5 min read</div></div>"
    box = "<div class='blog_author-box'><div>Jane Doe</div><p>Jane Doe writes about transport and cities.</p></div>"
    art = clean(f"<html><body><article><h1>Tram line approved</h1>{meta}{BODY}{box}</article></body></html>")
    assert art.byline == "Jane Doe"


def test_an_author_class_written_as_one_word():
    box = "<div class='blog__authorname'>Jane Doe</div><p>Jane Doe writes about transport and cities.</p>"
    art = clean(page(article="<h1>Tram line approved</h1><p class='standfirst'>Six hours of debate.</p>", after=box))
    assert art.byline == "Jane Doe"


ORG_AUTHOR = ('<script type="application/ld+json">{"@type": "BlogPosting", "headline": "Tram line approved",'
              ' "author": {"@type": "Organization", "name": "Riverside Clinic"},'
              ' "publisher": {"@type": "Organization", "name": "Riverside Clinic"}}</script>')


def test_a_person_in_an_author_element_beats_the_publisher_named_as_author():
    art = clean(page(ORG_AUTHOR, article="<h1>Tram line approved</h1><div class='author'><p>Jane Doe</p></div>"))
    assert art.byline == "Jane Doe"


def test_the_publisher_named_as_author_stays_when_the_page_names_nobody_else():
    art = clean(page(ORG_AUTHOR, article="<h1>Tram line approved</h1><p>Road Works</p>"))
    assert art.byline == "Riverside Clinic"


def test_an_author_element_glued_to_its_marker_and_its_update_date():
    author = "<div class='entry-author'>ByJane Roe Updated onMay 16, 2025</div>"
    art = clean(page(article="<h1>Tram line approved</h1>" + author))
    assert art.byline == "Jane Roe"


def test_authored_by_is_a_marker():
    art = clean(page(article="<h1>Tram line approved</h1><div class='author'>Authored by: Dr. Jane Roe</div>"))
    assert art.byline == "Dr. Jane Roe"


ONE_AUTHOR = ('<script type="application/ld+json">{"@type": "BlogPosting", "headline": "Tram line approved",'
              ' "author": {"@type": "Person", "name": "Jane Roe"}}</script>')


def test_all_the_authors_the_page_lists_when_the_metadata_names_the_first():
    byline = "<p class='byline'>Written by Dr Jane Roe, John Doe, Ann van Poe</p>"
    art = clean(page(ONE_AUTHOR, article="<h1>Tram line approved</h1>" + byline))
    assert art.byline == "Dr Jane Roe, John Doe, Ann van Poe"


def test_a_job_title_after_the_metadata_author_is_cut():
    art = clean(page(ONE_AUTHOR, article="<h1>Tram line approved</h1><p class='byline'>By Jane Roe, Staff Writer</p>"))
    assert art.byline == "Jane Roe"


def test_a_date_a_line_deep_in_the_article_mentions_gives_way_to_the_publication_date():
    jsonld = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Tram line approved",'
              ' "datePublished": "2025-09-25T11:38:00Z"}</script>')
    more = "<p>The mayor said the first trams would carry passengers on the new line before the end of 2028.</p>"
    article = f"<h1>Tram line approved</h1>{BODY}{more}<p>As of July 31, 2025, the council has received:</p>"
    art = clean(page(jsonld, article=article))
    assert art.date.startswith("2025-09-25")


def test_the_written_by_card_of_the_twitter_metadata_names_the_author():
    head = "<meta name='twitter:label1' content='Written by'><meta name='twitter:data1' content='Jane Roe'>"
    assert clean(page(head, article="<h1>Tram line approved</h1>")).byline == "Jane Roe"
    head = "<meta name='twitter:label1' content='Est. reading time'><meta name='twitter:data1' content='4 minutes'>"
    assert clean(page(head, article="<h1>Tram line approved</h1>")).byline is None


def test_a_cms_default_account_is_no_author():
    head = "<meta name='author' content='admin'>"
    assert clean(page(head, article="<h1>Tram line approved</h1>")).byline is None


def test_a_dateline_names_the_author_and_the_section_she_writes_in():
    art = clean(page(article="<h1>Tram line approved</h1><p>Dec 26, 2025 • Jane Roe in Project Management</p>"))
    assert art.byline == "Jane Roe"
    assert art.date == "2025-12-26"


def test_the_signature_in_the_footer_of_the_post():
    footer = "<footer class='entry-footer'><p class='entry-author'>Posted By: Marta · In: Sides, Baking</p>" \
             "</footer>"
    art = clean(f"<html><body><article><h1>Tram line approved</h1>{BODY}{footer}</article></body></html>")
    assert art.byline == "Marta"


def test_the_name_beside_an_h1_in_the_page_header_is_the_byline():
    header = "<header class='post-header'><h1>Council approves the tram line</h1><p>Jane Roe</p></header>"
    art = clean(f"<html><body><nav><a href='/'>Home</a></nav>{header}<article>{BODY}</article></body></html>")
    assert art.byline == "Jane Roe"


def test_a_name_in_the_site_header_away_from_the_h1_is_not_the_byline():
    header = "<header><p>Riverside Notes</p><p>Select Page</p></header>"
    art = clean(f"<html><body>{header}<article><h1>Council approves the tram line</h1>{BODY}</article></body></html>")
    assert art.byline is None


def test_a_by_line_with_a_user_name_just_below_the_headline():
    art = clean(page(article="<h1>Tram line approved</h1><p class='meta'>12/19 — 2025</p><p>by riverfan</p>"))
    assert art.byline == "riverfan"


def test_the_author_list_by_the_headline_when_the_metadata_names_the_first_author():
    names = ("<div class='meta'><a href='/a/1'>Jane Roe</a>, <a href='/a/2'>John Doe</a> & "
             "<a href='/a/3'>Ann Poe</a></div>")
    art = clean(page(ONE_AUTHOR, article="<h1>Tram line approved</h1>" + names))
    assert art.byline == "Jane Roe, John Doe & Ann Poe"


def test_the_author_box_below_the_post_names_the_author_without_the_job():
    after = ("<div class='author-bio'>This post was written by Dana Whitfield, Head of Community Outreach</div>"
             "<div class='author-bio'>Posted on April 13, 2023</div>")
    art = clean(page("<title>Council approves the tram line</title>", article="<h1>Council approves the tram line</h1>",
                     after=after))
    assert art.byline == "Dana Whitfield"


def test_a_job_title_is_cut_but_a_credential_and_more_names_stay():
    from artclean.segment import _without_job
    assert _without_job("Dana Whitfield, Head of Community Outreach") == "Dana Whitfield"
    assert _without_job("Dana Whitfield, MD") == "Dana Whitfield, MD"
    assert _without_job("Dana Whitfield, Tom Berg and Li Wei") == "Dana Whitfield, Tom Berg and Li Wei"


def test_the_posted_on_stamp_below_the_post_dates_a_page_without_metadata_dates():
    after = "<p class='meta'>Posted on April 13, 2023</p><p>Tags: transport</p>"
    art = clean(page("<title>Council approves the tram line</title>", article="<h1>Council approves the tram line</h1>",
                     after=after))
    assert art.date == "2023-04-13"


def test_the_metadata_date_beats_a_stamp_below_the_post():
    head = ("<title>Council approves the tram line</title>"
            "<meta property='article:published_time' content='2023-04-10T08:00:00+00:00'>")
    after = "<p class='meta'>Posted on April 13, 2023</p><p>Tags: transport</p>"
    art = clean(page(head, article="<h1>Council approves the tram line</h1>", after=after))
    assert art.date.startswith("2023-04-10")


def test_a_byline_glued_to_its_update_date_stops_before_the_update():
    before = "<div class='post-meta'>ByDana Whitfield Updated onNovember 19, 2025</div>"
    art = clean(page("<title>Council approves the tram line</title>",
                     article=f"<h1>Council approves the tram line</h1>{before}"))
    assert art.byline == "Dana Whitfield"


def test_a_label_or_a_date_before_the_title_in_the_h1_is_not_the_headline():
    head = ("<title>Council approves the tram line | Riverside Notes</title>"
            "<meta property='og:site_name' content='Riverside Notes'>")
    for h1 in ("Blog: Council approves the tram line", "Dec 18 2025 Council approves the tram line"):
        assert clean(page(head, article=f"<h1>{h1}</h1>")).headline == "Council approves the tram line"


def test_a_year_or_an_article_word_before_the_title_stays_in_the_headline():
    head = "<title>Tram line approved after long debate | Riverside Notes</title>"
    for h1 in ("2025 Tram line approved after long debate", "The Tram line approved after long debate"):
        assert clean(page(head, article=f"<h1>{h1}</h1>")).headline == h1


def test_a_domain_name_after_the_title_is_the_site_name():
    art = clean(page("<title>Council approves the tram line | RiversideNotes.com</title>"))
    assert art.headline == "Council approves the tram line"


def test_a_signature_closing_the_post_is_the_byline_when_nothing_above_names_the_author():
    after = "<div class='entry-meta'><p>Written by Dana Whitfield and Tom Berg</p></div>"
    art = clean(page("<title>Council approves the tram line</title>", article="<h1>Council approves the tram line</h1>",
                     after=after))
    assert art.byline == "Dana Whitfield and Tom Berg"


def test_the_author_of_a_microdata_meta_tag():
    head = "<title>Council approves the tram line</title><meta itemprop='author' content='dana whitfield'>"
    art = clean(page(head, article="<h1>Council approves the tram line</h1>"))
    assert art.byline == "dana whitfield"


def test_a_name_under_an_author_label_below_the_post():
    after = ("<div class='details'><h3>Published</h3><p>August 30, 2024</p>"
             "<h3>Author</h3><p>Dana R. Whitfield</p><h3>Related Program</h3><p>Urban Transport</p></div>")
    art = clean(page("<title>Council approves the tram line</title>", article="<h1>Council approves the tram line</h1>",
                     after=after))
    assert art.byline == "Dana R. Whitfield"


def test_a_name_under_an_author_label_must_agree_with_the_metadata_author():
    head = "<title>Council approves the tram line</title><meta name='author' content='Tom Berg'>"
    after = "<div class='details'><h3>Author</h3><p>Dana R. Whitfield</p></div>"
    art = clean(page(head, article="<h1>Council approves the tram line</h1>", after=after))
    assert art.byline == "Tom Berg"
