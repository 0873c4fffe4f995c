"""The main text of a page: the article's paragraphs, not its menu, header, footer or sidebar."""

from __future__ import annotations

from monitor.parse.maintext import main_text

PAGE = """<!DOCTYPE html><html><head><title>T</title><style>p{color:red}</style></head><body>
<header><a href="/">Home</a> <a href="/tech">Tech</a></header>
<nav><ul><li>Markets</li><li>Musk v. OpenAI live</li></ul></nav>
<div class="cookie-consent"><p>We use cookies.</p></div>
{body}
<aside><p>Related: Tesla shares fall</p></aside>
<div id="site-footer"><p>© 2026 Example News. Subscribe now.</p></div>
<footer><p>Contact us</p></footer>
<script>var musk = "OpenAI";</script>
</body></html>"""


def test_the_article_element_is_the_main_text() -> None:
    html = PAGE.replace(
        "{body}",
        "<p>Teaser outside the article.</p><article><h1>Musk raises his claim</h1>"
        "<p>Elon Musk seeks up to $134 billion &amp; more.</p><div><p>Second paragraph.</p>"
        "</div></article>",
    )
    assert main_text(html) == (
        "Musk raises his claim\n\nElon Musk seeks up to $134 billion & more.\n\nSecond paragraph."
    )


def test_without_an_article_the_paragraphs_outside_the_furniture_are_kept() -> None:
    html = PAGE.replace("{body}", "<div class='story'><p>One.</p><p>Two <b>bold</b>.</p></div>")
    text = main_text(html)
    assert text == "One.\n\nTwo bold."
    for furniture in ("Home", "Markets", "cookies", "Related", "Subscribe", "Contact", "var musk"):
        assert furniture not in text


def test_a_page_without_paragraphs_gives_its_whole_text() -> None:
    assert main_text("<div>Just <i>words</i></div>") == "Just words"
    assert main_text("plain text, no markup") == "plain text, no markup"
