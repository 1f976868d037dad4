"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json."""

from typing import Any

from newsdesk import __version__

# What the API accepts, stated once for the API and for its document.
PREFIX = "/api/v1"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_OFFSET = 10_000
# Articles sort by each of these, ascending, or descending with a leading `-`.
SORTS = ("published", "updated", "views", "title")
DEFAULT_SORT = "-published"
DAILY_VIEWS_DAYS = 30


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind: str) -> dict[str, Any]:
    return {"type": [kind, "null"]}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {
    "400": _json(_ref("Error"), "Invalid parameters"),
    "404": _json(_ref("Error"), "No such article or endpoint"),
    "503": _json(_ref("Error"), "The database is unavailable; retry later"),
}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


# Text parameters: any text but NUL, which the server refuses (no database stores it).
_TEXT = {"type": "string", "pattern": "^[^\\u0000]*$"}
_SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "description": "The article's slug",
    "schema": {**_TEXT, "minLength": 1},
}
_DATE = {"type": "string", "format": "date"}
# An empty value is no value: what a form with a field left blank sends.
_EMPTY = {"type": "string", "maxLength": 0}
_BOUND = {"type": "string", "anyOf": [{"format": "date"}, _EMPTY]}
_RANGE = [
    _query("since", "Published on or after this date (YYYY-MM-DD); empty for none", _BOUND),
    _query("until", "Published on or before this date (YYYY-MM-DD); empty for none", _BOUND),
]
_LIMIT = _query(
    "limit",
    f"Items per page (1–{MAX_LIMIT}; empty for {DEFAULT_LIMIT})",
    {"anyOf": [{"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}, _EMPTY]},
)

_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["status", "message"],
                "properties": {"status": {"type": "integer"}, "message": {"type": "string"}},
            }
        },
    },
    "Author": {
        "type": "object",
        "required": ["name", "bio"],
        "properties": {
            "name": {"type": "string"},
            "bio": {"type": "string"},
            "avatar": {"type": "string"},
            "url": {"type": "string"},
        },
    },
    "ArticleSummary": {
        "type": "object",
        "required": [
            "slug",
            "url",
            "path",
            "title",
            "summary",
            "category",
            "tags",
            "authors",
            "published",
            "updated",
            "cover_image",
            "thumbnail",
            "sticky",
            "hot",
            "views",
            "read_minutes",
        ],
        "properties": {
            "slug": {"type": "string"},
            "url": {"type": "string", "description": "Absolute URL of the article's page"},
            "path": {"type": "string", "description": "The page's path on this site"},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "category": _nullable("string"),
            "tags": {"type": "array", "items": {"type": "string"}},
            "authors": {"type": "array", "items": _ref("Author")},
            "published": {"type": "string", "format": "date-time"},
            "updated": {"type": ["string", "null"], "format": "date-time"},
            "cover_image": _nullable("string"),
            "thumbnail": _nullable("string"),
            "sticky": {"type": "boolean"},
            "hot": {"type": "boolean"},
            "views": {"type": "integer", "minimum": 0},
            "read_minutes": {"type": "integer", "minimum": 1},
        },
    },
    "Article": {
        "allOf": [
            _ref("ArticleSummary"),
            {
                "type": "object",
                "required": ["html", "toc", "related"],
                "properties": {
                    "html": {"type": "string"},
                    "toc": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["level", "text", "id"],
                            "properties": {
                                "level": {"type": "integer"},
                                "text": {"type": "string"},
                                "id": {"type": "string"},
                            },
                        },
                    },
                    "related": {"type": "array", "items": {"type": "string"}},
                },
            },
        ]
    },
    "ArticlePage": {
        "type": "object",
        "required": ["items", "total", "next_cursor"],
        "properties": {
            "items": {"type": "array", "items": _ref("ArticleSummary")},
            "total": {"type": "integer"},
            "next_cursor": _nullable("string"),
        },
    },
    "Terms": {
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "slug", "count", "url"],
                    "properties": {
                        "name": {"type": "string"},
                        "slug": {"type": "string"},
                        "count": {"type": "integer"},
                        "url": {"type": "string"},
                    },
                },
            }
        },
    },
    "SearchResults": {
        "type": "object",
        "required": ["query", "total", "items"],
        "properties": {
            "query": {"type": "string"},
            "total": {
                "type": "integer",
                "description": "Exactly how many articles contain every term of the query",
            },
            "items": {
                "type": "array",
                "items": {
                    "allOf": [
                        _ref("ArticleSummary"),
                        {
                            "type": "object",
                            "required": ["title_html", "snippet_html", "score"],
                            "properties": {
                                "title_html": {"type": "string"},
                                "snippet_html": {"type": "string"},
                                "score": {
                                    "type": "number",
                                    "description": "Where every term was found: 4 all in the"
                                    " title, 3 in the tags, category or authors too, 2 in the"
                                    " summary too, 1 in the body too; newer first within each",
                                },
                            },
                        },
                    ]
                },
            },
        },
    },
    "ViewCount": {
        "type": "object",
        "required": ["slug", "counted", "views"],
        "properties": {
            "slug": {"type": "string"},
            "counted": {"type": "boolean"},
            "views": {"type": "integer"},
        },
    },
    "ViewToken": {
        "type": "object",
        "required": ["slug", "token", "expires_in"],
        "properties": {
            "slug": {"type": "string"},
            "token": {"type": "string"},
            "expires_in": {"type": "integer", "description": "seconds"},
        },
    },
    "Views": {
        "type": "object",
        "required": ["slug", "views", "counted", "daily"],
        "properties": {
            "slug": {"type": "string"},
            "views": {"type": "integer"},
            "counted": {"type": "integer"},
            "daily": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["date", "views"],
                    "properties": {"date": _DATE, "views": {"type": "integer"}},
                },
            },
        },
    },
}


def _terms(kind: str) -> dict[str, Any]:
    return {
        "get": {
            "summary": f"All {kind} with their article counts, largest first",
            "operationId": f"list_{kind}",
            "responses": {"200": _json(_ref("Terms"), f"The {kind}")},
        }
    }


def openapi_document(title: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{title} API", "version": __version__},
        "servers": [{"url": PREFIX}],
        "paths": {
            "/articles": {
                "get": {
                    "summary": "Published articles, filtered, sorted and paginated by cursor",
                    "operationId": "list_articles",
                    "parameters": [
                        _query("category", "Category name or slug", _TEXT),
                        _query("tag", "Tag name or slug", _TEXT),
                        _query("author", "Author name or slug", _TEXT),
                        _query(
                            "sticky",
                            "Only sticky (true) or not sticky (false)",
                            {"type": "boolean"},
                        ),
                        _query("hot", "Only hot (true) or not hot (false)", {"type": "boolean"}),
                        *_RANGE,
                        _query(
                            "sort",
                            "Sort order; a leading - sorts descending",
                            {
                                "type": "string",
                                "enum": [sort for name in SORTS for sort in (name, f"-{name}")],
                            },
                        ),
                        _LIMIT,
                        _query("cursor", "next_cursor of the previous page", _TEXT),
                    ],
                    "responses": {
                        "200": _json(_ref("ArticlePage"), "A page of articles"),
                        **_ERRORS,
                    },
                }
            },
            "/articles/{slug}": {
                "get": {
                    "summary": "One article with its HTML and table of contents",
                    "operationId": "get_article",
                    "parameters": [_SLUG],
                    "responses": {"200": _json(_ref("Article"), "The article"), **_ERRORS},
                }
            },
            "/articles/{slug}/views": {
                "get": {
                    "summary": (
                        f"The article's view count and its daily counts for {DAILY_VIEWS_DAYS} days"
                    ),
                    "operationId": "get_views",
                    "parameters": [_SLUG],
                    "responses": {"200": _json(_ref("Views"), "The counts"), **_ERRORS},
                },
                "post": {
                    "summary": (
                        "Count a view: once per visitor, article and window, with a proof of a"
                        " page view, from the site's pages; not bots, nor past the address's cap"
                    ),
                    "operationId": "count_view",
                    "parameters": [
                        _SLUG,
                        _query(
                            "token",
                            "The proof of a page view: the article page's data-token, or"
                            " from /articles/{slug}/views/token",
                            _TEXT,
                        ),
                    ],
                    "responses": {
                        "200": _json(_ref("ViewCount"), "Whether it counted"),
                        **_ERRORS,
                        "429": _json(_ref("Error"), "Too many beacons from this address"),
                    },
                },
            },
            "/articles/{slug}/views/token": {
                "get": {
                    "summary": "A proof of a page view of the article, for its view beacon",
                    "operationId": "get_view_token",
                    "parameters": [_SLUG],
                    "responses": {"200": _json(_ref("ViewToken"), "The token"), **_ERRORS},
                }
            },
            "/categories": _terms("categories"),
            "/tags": _terms("tags"),
            "/authors": _terms("authors"),
            "/search": {
                "get": {
                    "summary": "Chinese full-text search over titles, tags, summaries and bodies",
                    "operationId": "search",
                    "parameters": [
                        _query(
                            "q",
                            "The query; words separated by spaces must all match",
                            _TEXT,
                        ),
                        _query("category", "Only this category (name)", _TEXT),
                        _query("tag", "Only this tag (name)", _TEXT),
                        *_RANGE,
                        _LIMIT,
                        _query(
                            "offset",
                            "Results to skip (empty for none)",
                            {
                                "anyOf": [
                                    {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
                                    _EMPTY,
                                ]
                            },
                        ),
                    ],
                    "responses": {
                        "200": _json(_ref("SearchResults"), "Ranked results"),
                        **_ERRORS,
                        "429": _json(_ref("Error"), "Too many searches from this address"),
                        "503": _json(
                            _ref("Error"),
                            "Too many searches at once (see Retry-After), or the database is"
                            " unavailable; retry later",
                        ),
                    },
                }
            },
        },
        "components": {"schemas": _SCHEMAS},
    }
