"""Known cross-site scripting payloads, by category, for tests/test_xss.py.

Each payload is written once with placeholders and numbered on expansion, so that
when one runs in a browser it says which it was:

- `PWN` becomes `pwn(N)`: a function an init script defines on every page (and in
  every frame), recording N in `window.__xss`;
- `NUM` becomes `N`, where the call itself is spelled some other way;
- `ALERT` becomes `alert(N)`: a dialog, which the watched page records;
- `POST` becomes `parent.postMessage('xss:N','*')`, for documents of another origin
  (`data:` frames) that cannot reach `pwn`, and `B64` is a base64 `text/html`
  document that does it.

A payload that cannot run leaves what it tried in the DOM (an `on*` attribute, a
`javascript:` URL, an iframe), which the suite looks for as well.

`markdown` payloads are Markdown syntax: they are only meaningful in an article's
body, and those without a `<` exercise the renderer's path that skips the HTML
sanitizer. The `unclosed` ones come last: an unclosed element or comment may swallow
whatever follows it in the same document, so nothing is put after them.
"""

import base64
from dataclasses import dataclass


@dataclass(frozen=True)
class Payload:
    number: int
    category: str
    text: str

    @property
    def markdown_only(self) -> bool:
        return self.category == "markdown"


_SCRIPT = [
    "<script>PWN</script>",
    "<SCRIPT>PWN</SCRIPT>",
    "<script/xss>PWN</script>",
    "<scr<script>ipt>PWN</scr</script>ipt>",
    "<<script>PWN//<</script>",
    '<script type="module">PWN</script>',
    "<script src=data:text/javascript,PWN></script>",
    "<script>ALERT</script>",
]

_EVENT_HANDLERS = [
    "<img src=x onerror=PWN>",
    "<IMG SRC=x OnErRoR=PWN>",
    "<img src=x onerror\t=\tPWN>",
    '<img src="x" onerror="&#x70;&#x77;&#x6e;&#x28;NUM&#x29;">',
    "<body onload=PWN>",
    "<svg/onload=PWN>",
    "<input autofocus onfocus=PWN>",
    "<details open ontoggle=PWN><summary>s</summary></details>",
    "<video src=x onerror=PWN></video>",
    "<audio src=x onerror=PWN></audio>",
    "<video><source src=x onerror=PWN></video>",
    "<select autofocus onfocus=PWN></select>",
    "<textarea autofocus onfocus=PWN></textarea>",
    "<marquee onstart=PWN>m</marquee>",
    '<a href="#" onclick=PWN id=click>c</a>',
    '<div tabindex=1 autofocus onfocusin="PWN">f</div>',
    "<link rel=stylesheet href=x onerror=PWN>",
    "<style onload=PWN></style>",
    "<input type=image src=x onerror=PWN>",
    "<img src=x onerror=ALERT>",
]

_JAVASCRIPT_URLS = [
    '<a href="javascript:PWN">j</a>',
    '<a href="JaVaScRiPt:PWN">j</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;PWN">j</a>',
    '<a href="&#x6A;avascript&#x3A;PWN">j</a>',
    '<a href="javascript&colon;PWN">j</a>',
    '<a href="java&Tab;script:PWN">j</a>',
    '<a href="java&#x09;script:PWN">j</a>',
    '<a href="java&#10;script:PWN">j</a>',
    '<a href=" &#14; javascript:PWN">j</a>',
    '<a href="\x01javascript:PWN">j</a>',
    '<img src="javascript:PWN">',
    '<a href="jav\tascript:PWN">j</a>',
]

_DATA_URLS = [
    '<a href="data:text/html,<script>POST</script>">d</a>',
    '<a href="DaTa:text/html;base64,B64">d</a>',
    '<iframe src="data:text/html,<script>POST</script>"></iframe>',
    '<img src="data:image/svg+xml,<svg onload=PWN>">',
    '<a href="&#100;ata:text/html;base64,B64">d</a>',
]

_SVG = [
    "<svg><script>PWN</script></svg>",
    '<svg><script href="data:text/javascript,PWN"></script></svg>',
    '<svg><a xlink:href="javascript:PWN"><text x="20" y="20">x</text></a></svg>',
    "<svg><animate onbegin=PWN attributeName=x dur=1s /></svg>",
    '<svg><a><animate attributeName=href values="javascript:PWN" />'
    '<text x="20" y="20">x</text></a></svg>',
    "<svg><foreignObject><img src=x onerror=PWN></foreignObject></svg>",
]

_MATHML = [
    "<math><mtext><table><mglyph><style><img src=x onerror=PWN>",
    '<math href="javascript:PWN">m</math>',
    '<math><maction actiontype="statusline" xlink:href="javascript:PWN">m</maction></math>',
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=PWN>",
    '<svg></p><style><a id="</style><img src=1 onerror=PWN>">',
    '<noscript><p title="</noscript><img src=x onerror=PWN>">',
]

_FRAMES = [
    '<iframe src="javascript:top.pwn(NUM)"></iframe>',
    '<iframe srcdoc="<script>parent.pwn(NUM)</script>"></iframe>',
    '<iframe srcdoc="&lt;img src=x onerror=parent.pwn(NUM)&gt;"></iframe>',
    "<iframe onload=PWN></iframe>",
    '<object data="javascript:PWN"></object>',
    '<object data="data:text/html;base64,B64"></object>',
    '<embed src="javascript:PWN">',
    '<embed src="data:text/html;base64,B64">',
    "<object data=x onerror=PWN></object>",
    "<frameset onload=PWN>",
    # Frames are kept only for video players: a look-alike host, another host behind
    # a user name, plain http or another scheme loses the whole frame.
    '<iframe src="https://www.youtube.com.evil.example/embed/x" onload=PWN></iframe>',
    '<iframe src="https://www.youtube.com@evil.example/embed/x"></iframe>',
    '<iframe src="http://www.youtube.com/embed/x" onload=PWN></iframe>',
    '<iframe src="javascript://www.youtube.com/%0Apwn(NUM)"></iframe>',
    '<iframe src="//evil.example/x" srcdoc="<script>parent.pwn(NUM)</script>"></iframe>',
]

_CSS = [
    '<div style="background:url(javascript:PWN)">c</div>',
    '<div style="width:expression(PWN)">c</div>',
    '<p style="x:\\65xpression(PWN)">c</p>',
    "<style>@import 'javascript:PWN';</style>",
    '<style>body{background:url("javascript:PWN")}</style>',
    "<style>*{x:expression(PWN)}</style>",
    '<link rel=stylesheet href="javascript:PWN">',
    "<style></style><img src=x onerror=PWN>",
]

_BREAKOUTS = [
    '"><img src=x onerror=PWN>',
    "'><svg onload=PWN>",
    '" onmouseover="PWN" x="',
    "' autofocus onfocus='PWN' x='",
    "</title><script>PWN</script>",
    "</textarea><script>PWN</script>",
    "--><script>PWN</script><!--",
    '<img """><script>PWN</script>">',
    '<a href="http://x.test/" title="x>y onmouseover=PWN">y</a>',
    '<a href="http://x.test/" title="a&quot; rel=x onmouseover=PWN ">r</a>',
    '<img src=x alt="<img src=x onerror=PWN//">',
    "<pre lang='x\"><img src=x onerror=PWN>'><code>c</code></pre>",
    "<h2>&lt;img src=x onerror=PWN&gt;</h2>",
]

_TEMPLATES = [
    "</script><script>PWN</script>",
    "{{ '<script>PWN</script>'|safe }}",
    "{% raw %}</script><script>PWN</script>{% endraw %}",
    "{{constructor.constructor('PWN')()}}",
    "]]></description><script>PWN</script>",
    '"};PWN;//',
    "\\u003c/script\\u003e<script>PWN</script>",
    "${PWN}",
    "<!--<script>PWN</script>-->",
]

_NAVIGATION = [
    '<meta http-equiv="refresh" content="0;url=javascript:PWN">',
    '<meta http-equiv="refresh" content="0;url=data:text/html;base64,B64">',
    '<base href="javascript:PWN//">',
    '<form action="javascript:PWN"><input type=submit id=go></form>',
    '<form id=f></form><button form=f formaction="javascript:PWN">b</button>',
    '<isindex action="javascript:PWN" type=image>',
]

_MARKDOWN = [
    "[m](javascript:PWN)",
    "[m](JAVASCRIPT:PWN)",
    "[m](&#x6A;avascript&#x3A;PWN)",
    "[m](javascript&colon;PWN)",
    "![m](javascript:PWN)",
    "[m][ref-NUM]\n\n[ref-NUM]: javascript:PWN",
    '[m](http://x.test/ "\\"onmouseover=PWN x=\\"")',
    '![" onerror=PWN x="](x)',
    '```x"><img src=x onerror=PWN>\ncode\n```',
    "```python\n</code></pre><script>PWN</script>\n```",
    '## "><img src=x onerror=PWN>',
    'https://x.test/"onmouseover=PWN。中文',
    'www.x.test/"onmouseover=PWN',
    "[m](data:text/html;base64,B64)",
]

_UNCLOSED = [
    "<img src=x onerror=PWN",
    "<title><img src=x onerror=PWN></title>",
    "<xmp><img src=x onerror=PWN></xmp>",
    "<noembed><img src=x onerror=PWN></noembed>",
    "<iframe><img src=x onerror=PWN></iframe>",
    "<!-- x --!><img src=x onerror=PWN>",
    "<div><!--</div><img src=x onerror=PWN>-->",
    "<svg><p><style><img src=x onerror=PWN>",
    "<plaintext><img src=x onerror=PWN>",
]

_CATEGORIES = {
    "script": _SCRIPT,
    "event handler": _EVENT_HANDLERS,
    "javascript: URL": _JAVASCRIPT_URLS,
    "data: URL": _DATA_URLS,
    "svg": _SVG,
    "mathml and namespace confusion": _MATHML,
    "iframe, object, embed": _FRAMES,
    "css": _CSS,
    "attribute and markup breakout": _BREAKOUTS,
    "template and json breakout": _TEMPLATES,
    "meta refresh, base, form": _NAVIGATION,
    "markdown": _MARKDOWN,
    "unclosed": _UNCLOSED,
}


def _expand(template: str, number: int) -> str:
    message = f"'xss:{number}','*'"
    document = f"<script>parent.postMessage({message})</script>"
    return (
        template.replace("PWN", f"pwn({number})")
        .replace("ALERT", f"alert({number})")
        .replace("NUM", str(number))
        .replace("POST", f"parent.postMessage({message})")
        .replace("B64", base64.b64encode(document.encode()).decode())
    )


PAYLOADS: tuple[Payload, ...] = tuple(
    Payload(number, category, _expand(template, number))
    for number, (category, template) in enumerate(
        ((category, template) for category, items in _CATEGORIES.items() for template in items),
        start=1,
    )
)

# Values of URL fields (a cover image, an author's link): schemes a browser would run.
URL_PAYLOADS: tuple[str, ...] = (
    "javascript:pwn(901)",
    "JaVaScRiPt:pwn(902)",
    " \x01javascript:pwn(903)",
    "java\tscript:pwn(904)",
    "data:text/html;base64," + base64.b64encode(b"<script>parent.pwn(905)</script>").decode(),
    'x.png" onerror="pwn(906)',
    "javascript://x.test/%0Apwn(907)",
    "vbscript:pwn(908)",
)

INIT_SCRIPT = """
window.__xss = [];
window.pwn = function (n) { window.__xss.push(String(n)); };
window.addEventListener("message", function (event) {
  if (String(event.data).indexOf("xss:") === 0) window.__xss.push(String(event.data));
});
"""
