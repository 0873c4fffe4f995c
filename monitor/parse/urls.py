"""Canonical links: tracking parameters removed, news-search redirect links unwrapped."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote_plus, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_", "oly_", "__hs", "_hs")
_TRACKING_KEYS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "mkt_tok",
        "cmpid",
        "ocid",
        "ito",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "rss",
        "smid",
        "at_medium",
        "at_campaign",
        "xtor",
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",
        "spm",
        "ref_src",
        "sr_share",
    }
)
# Hosts whose links wrap the article's address in a query parameter (news searches).
_REDIRECTORS = {
    "news.google.com": ("url",),
    "www.google.com": ("url", "q"),
    "google.com": ("url", "q"),
    "www.bing.com": ("url",),
    "bing.com": ("url",),
    "r.search.yahoo.com": ("RU",),
    "l.facebook.com": ("u",),
    "t.co": (),
}


# News searches: their items are other outlets' articles, each naming its outlet.
NEWS_SEARCH_HOSTS = frozenset({"news.google.com", "www.bing.com", "bing.com"})


def is_news_search(url: str) -> bool:
    try:
        return (urlsplit(url).hostname or "").lower() in NEWS_SEARCH_HOSTS
    except ValueError:
        return False


def unwrap(url: str) -> str:
    """The target of a news-search redirect link, when it is in the URL; else `url`."""
    for _ in range(3):
        parts = urlsplit(url)
        keys = _REDIRECTORS.get((parts.hostname or "").lower())
        if not keys:
            return url
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        target = next((params[k] for k in keys if params.get(k, "").startswith("http")), None)
        if target is None:
            return url
        url = target
    return url


def canonical(url: str | None) -> str | None:
    """Lower-case scheme and host, no fragment, no tracking parameters, unwrapped."""
    if not url:
        return None
    url = unwrap(url.strip())
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme not in ("http", "https"):
        return url
    # Tracking parameters are dropped; the others are kept as written (re-encoding them turned
    # `%20` into `+` and `?x` into `?x=`).
    query = "&".join(piece for piece in parts.query.split("&") if piece and not _tracking(piece))
    netloc = parts.netloc.lower()
    if netloc.endswith(":80") and parts.scheme == "http":
        netloc = netloc[:-3]
    if netloc.endswith(":443") and parts.scheme == "https":
        netloc = netloc[:-4]
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", query, ""))


def _tracking(piece: str) -> bool:
    key = piece.split("=", 1)[0]
    if "%" in key or "+" in key:  # else unquote_plus leaves it as it is
        key = unquote_plus(key)
    key = key.lower()
    return key in _TRACKING_KEYS or key.startswith(_TRACKING_PREFIXES)


def outlet_of(url: str) -> str | None:
    """The publisher's host of a link, without `www.` ('https://www.lemonde.fr/x' → 'lemonde.fr')."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    host = host.lower().removeprefix("www.").removeprefix("amp.").removeprefix("m.")
    return host or None
