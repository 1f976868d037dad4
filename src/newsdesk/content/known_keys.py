"""Front matter keys that generators and their themes use and that the article model
has no field for: read without a warning, kept among the article's extra fields.

Keys are listed as `normalize_key` leaves them (lower case, no `-`, `_` or spaces).
"""

_COMMON = [
    "layout", "type", "permalink", "url", "aliases", "lang", "language", "weight",
    "series", "comments", "comment", "toc", "math", "mathjax", "katex", "mermaid",
    "sitemap", "robots", "noindex", "canonicalurl", "copyright", "license", "share",
    "related", "featured", "audio", "video", "location", "subtitle", "js", "css",
    "password", "private", "id", "uuid", "header", "footer", "icon", "order", "menu",
    "sidebar", "prev", "next", "nav", "navigation", "副标题",
]  # fmt: skip
_HEXO = [
    # Hexo itself, then the NexT, Butterfly, Fluid, Matery and AnZhiYu themes.
    "disablenunjucks", "photos", "link", "abbrlink", "reward", "donate",
    "topimg", "aside", "tocnumber", "tocstylesimple", "highlightshrink", "swiperindex",
    "topgroupindex", "aplayer", "noticeoutdate", "maincolor", "autoopen", "copyrightauthor",
    "copyrightauthorhref", "copyrighturl", "copyrightinfo", "catalog", "headerimg",
    "background", "ai", "bannerimg", "archive", "excerptlink",
    "coverimg", "reprintpolicy", "quicklinks", "clickbait", "encrypt", "expire",
]  # fmt: skip
_HUGO = [
    # Hugo itself, then the PaperMod, LoveIt/DoIt, Hextra and Docsy themes.
    "expirydate", "unpublishdate", "output", "outputs", "markup", "build", "cascade", "params",
    "resources", "headless", "iscjklanguage", "linktitle", "translationkey", "lastmodifier",
    "showtoc", "tocopen", "hidemeta", "searchhidden", "disableshare", "hidesummary",
    "showbreadcrumbs", "showreadingtime", "showwordcount", "showpostnavlinks",
    "showcodecopybuttons", "usehugotoc", "disablehljs", "editpost", "ogdescription",
    "hiddenfromhomepage", "hiddenfromsearch", "authorlink", "lightgallery", "ruby",
    "fraction", "fontawesome", "linktomarkdown", "rssfulltext", "twemoji", "code",
    "mapbox", "library", "seo", "breadcrumbs", "width", "excludesearch", "editurl",
    "nolist", "simplelist", "hidefeedback", "hidereadingtime", "notoc", "manuallink",
    "githubrepo", "githubsubdir", "pathbaseforgithubsubdir",
]  # fmt: skip
_JEKYLL = [
    # Jekyll itself, then Minimal Mistakes, Chirpy, Just the Docs and mzlogin.
    "redirectfrom", "redirectto", "excerptseparator", "renderwithliquid", "authorprofile",
    "tocsticky", "toclabel", "tocicon", "classes", "mediasubpath", "imgpath",
    "searchexclude", "navorder", "navexclude", "parent", "grandparent", "haschildren",
    "sequence", "flow", "mindmap", "mindmap2",
]  # fmt: skip
_VITEPRESS = [
    # VitePress, VuePress and vuepress-theme-hope.
    "hero", "features", "titletemplate", "head", "navbar", "outline", "breadcrumbexclude",
    "editlink", "pageclass", "ishome", "home", "herotext", "tagline", "actiontext",
    "actionlink", "sidebardepth", "search", "star", "article", "timeline", "isoriginal",
    "dir", "index", "breadcrumb", "breadcrumbicon", "pageinfo", "contributors", "copy",
    "watermark", "backtotop", "containerclass", "shorttitle",
]  # fmt: skip
_OTHERS = [
    # Astro themes; Typora's image root; the provenance `newsdesk draft` records.
    "hideeditpost", "timezone", "typorarooturl", "model", "drafted", "fingerprint",
]  # fmt: skip

RECOGNIZED = frozenset([*_COMMON, *_HEXO, *_HUGO, *_JEKYLL, *_VITEPRESS, *_OTHERS])
