"""The security headers every answer carries, the same for the server and for the
static build's `_headers` file (read by Netlify and Cloudflare Pages)."""

from collections.abc import Iterable
from urllib.parse import urlsplit

from newsdesk.render.embeds import VIDEO_HOSTS

# Sent only over HTTPS: a browser keeps using HTTPS for the host this long. No
# includeSubDomains: other hosts of the domain may not serve HTTPS.
HSTS = "max-age=31536000"
HOST_HEADERS_FILE = "_headers"
SVG_TYPE = "image/svg+xml"
# An SVG opened on its own is a document whose scripts would run with the site's
# origin: it is sandboxed (no script, no form, a unique origin) and may load nothing.
# A browser enforces this beside the pages' policy; inside <img> no script runs anyway.
INERT_SVG_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def content_security_policy(beacon_origin: str = "") -> str:
    """Scripts and style sheets only from the site's own files (the pages have no inline
    script, style or event handler: keep it so), images and media from anywhere (covers
    and bodies link to other hosts), frames only of the video players a body may embed,
    never framed by another site.

    Styles inside the SVG that a page's scripts draw (mermaid's diagrams: a `<style>`
    element and `style` attributes of its own, unique to each diagram) are allowed:
    the sanitizer removes both from bodies, so only the site's scripts make them, and
    scripts stay limited to the site's own files. `beacon_origin`: the
    origin of the server that counts views, when it is not the page's own."""
    connect = " ".join(filter(None, ("'self'", beacon_origin)))
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "style-src-elem 'self' 'unsafe-inline'",
            "style-src-attr 'unsafe-inline'",
            "img-src * data:",
            "media-src *",
            f"connect-src {connect}",
            "frame-src " + " ".join(f"https://{host}" for host in VIDEO_HOSTS),
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        )
    )


# The desk's pages: nothing but the site's own files, no frames, forms only to itself.
DESK_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'"
)


def desk_security_headers() -> list[tuple[str, str]]:
    """The headers of every answer under /desk/ and /api/v1/desk/ (HSTS aside): never
    stored by a cache, never framed, nothing loaded from elsewhere."""
    return [
        ("Cache-Control", "no-store"),
        ("Content-Security-Policy", DESK_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
    ]


def security_headers(beacon_origin: str = "") -> list[tuple[str, str]]:
    """The headers of every answer, HSTS aside (it depends on the scheme)."""
    return [
        ("Content-Security-Policy", content_security_policy(beacon_origin)),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "SAMEORIGIN"),
    ]


def host_headers_file(base_url: str, beacon_url: str, svg_paths: Iterable[str] = ()) -> str:
    """The `_headers` file of a static build: the server's headers for every path, HSTS
    when the site is published over HTTPS, and the SVG files' sandbox."""
    beacon = urlsplit(beacon_url)
    origin = f"{beacon.scheme}://{beacon.netloc}" if beacon.netloc else ""
    headers = security_headers(origin)
    if urlsplit(base_url).scheme == "https":
        headers.append(("Strict-Transport-Security", HSTS))
    every = "/*\n" + "".join(f"  {name}: {value}\n" for name, value in headers)
    return every + "".join(
        f"{path}\n  Content-Security-Policy: {INERT_SVG_POLICY}\n" for path in svg_paths
    )
