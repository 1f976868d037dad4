"""The desk's part of the OpenAPI document: /desk/… under /api/v1, with bearer tokens."""

from typing import Any

from newsdesk.site.desk_list import SORTS, STATUSES
from newsdesk.web.openapi import _TEXT, _json, _nullable, _query, _ref

_AUTH_ERRORS = {
    "401": _json(_ref("Error"), "No token, or an unknown or revoked one"),
    "403": _json(_ref("Error"), "The user's role may not do this"),
    "429": _json(_ref("Error"), "Too many desk API calls from this address"),
    "503": _json(_ref("Error"), "The database is unavailable; retry later"),
}
_DIAGNOSTIC = {
    "type": "object",
    "required": ["severity", "code", "message", "line", "col"],
    "properties": {
        "severity": {"type": "string", "enum": ["error", "warning", "info"]},
        "code": {"type": "string"},
        "message": {"type": "string"},
        "line": {"type": "integer"},
        "col": {"type": "integer"},
    },
}
_ROW = {
    "type": "object",
    "required": ["path", "slug", "title", "status", "views", "editable", "diagnostics"],
    "properties": {
        "path": {"type": "string", "description": "The file, relative to the content folder"},
        "slug": {"type": "string", "description": "Empty for a file that is no article"},
        "url": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "string", "enum": list(STATUSES)},
        "category": _nullable("string"),
        "tags": {"type": "array", "items": {"type": "string"}},
        "authors": {"type": "array", "items": {"type": "string"}},
        "published": {**_nullable("string"), "format": "date-time"},
        "views": {
            "type": "object",
            "required": ["today", "week", "total"],
            "properties": {
                "today": {"type": "integer"},
                "week": {"type": "integer", "description": "The last 7 days, today included"},
                "total": {"type": "integer"},
            },
        },
        "editable": {
            "type": "boolean",
            "description": "Whether the user may edit it: editors and admins every article, "
            "an author those naming them as an author",
        },
        "diagnostics": {"type": "array", "items": _DIAGNOSTIC},
    },
}
_ACCOUNT = {
    "type": "object",
    "required": ["name", "role", "last_login", "state"],
    "properties": {
        "name": {"type": "string"},
        "role": {"type": "string", "enum": ["admin", "editor", "author"]},
        "last_login": {"type": "string", "description": "ISO 8601; empty when never"},
        "state": {"type": "string", "enum": ["active", "disabled", "locked"]},
    },
}
_SCHEMAS: dict[str, Any] = {
    "DeskArticles": {
        "type": "object",
        "required": ["items", "total"],
        "properties": {"items": {"type": "array", "items": _ROW}, "total": {"type": "integer"}},
    },
    "DeskUser": {
        "type": "object",
        "required": ["name", "role", "via"],
        "properties": {
            "name": {"type": "string"},
            "role": {"type": "string", "enum": ["admin", "editor", "author"]},
            "via": {"type": "string", "enum": ["token", "session"]},
        },
    },
    "DeskAccounts": {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": _ACCOUNT}},
    },
}


def _get(operation: str, summary: str, schema: str, parameters: list[Any]) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "operationId": operation,
            "tags": ["desk"],
            "security": [{"bearer": []}],
            "parameters": parameters,
            "responses": {"200": _json(_ref(schema), summary), **_AUTH_ERRORS},
        }
    }


def with_desk(document: dict[str, Any]) -> dict[str, Any]:
    """The document with the desk's paths, schemas and security scheme added."""
    filters = [
        _query("q", "Only titles containing this text", _TEXT),
        _query("status", "Only this status", {"type": "string", "enum": list(STATUSES)}),
        _query("category", "Only this category (name)", _TEXT),
        _query("tag", "Only this tag (name)", _TEXT),
        _query("author", "Only this author (name)", _TEXT),
        _query("sort", "Newest first (default), oldest first or most viewed first",
               {"type": "string", "enum": list(SORTS)}),
    ]  # fmt: skip
    document["paths"].update(
        {
            "/desk/articles": _get(
                "desk_list_articles",
                "Every file of the site, drafts and scheduled articles included",
                "DeskArticles",
                filters,
            ),
            "/desk/me": _get("desk_me", "The user the token acts for", "DeskUser", []),
            "/desk/users": _get("desk_users", "Every user (admins only)", "DeskAccounts", []),
        }
    )
    components = document["components"]
    components["schemas"].update(_SCHEMAS)
    components["securitySchemes"] = {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "A token of `newsdesk token create NAME`, acting with NAME's role",
        }
    }
    return document
