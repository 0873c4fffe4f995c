"""The HTTP face: health and readiness probes, Prometheus metrics, a read-only dashboard, an
Atom feed and a JSON API, all read from the database (aiohttp.web, Jinja2 autoescaped)."""
