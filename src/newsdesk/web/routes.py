"""The route table: every path the server answers, and the handler that answers it."""

from typing import TYPE_CHECKING

from newsdesk.site.theme import LIVE_RELOAD_PATH
from newsdesk.web.desk_auth import DESK, DESK_API
from newsdesk.web.openapi import PREFIX
from newsdesk.web.router import ANY_METHOD, ANY_PATH, Mount, Route

if TYPE_CHECKING:
    from newsdesk.web.app import App


def routes(app: "App") -> list[Mount]:
    """In a mount, exact paths come first, then the patterns in this order, then the
    catch-all (see Router)."""
    api = app.api
    site = [
        Route("GET", "/search/", app.search_page),
        Route("GET", "/search/index.html", app.search_page),
        # Page URLs are the snapshot's plans, which change with the content.
        Route("GET", ANY_PATH, app.page),
    ]
    if app.live.live_reload:
        site.insert(0, Route(ANY_METHOD, LIVE_RELOAD_PATH, app.live_reload))
    desk = app.desk
    return [
        Mount(
            DESK_API,
            trim=True,
            routes=[
                Route("GET", "/articles", desk.api_articles),
                Route("GET", "/me", desk.api_me),
                Route("GET", "/users", desk.api_users),
                Route(ANY_METHOD, ANY_PATH, api.not_found),
            ],
        ),
        Mount(
            DESK,
            trim=True,
            routes=[
                Route("GET", "/", desk.articles_page),
                Route("GET", "/users", desk.users_page),
                Route("GET", "/login", desk.login_form),
                Route("POST", "/login", desk.login),
                Route("POST", "/logout", desk.logout),
                Route(ANY_METHOD, ANY_PATH, desk.not_found),
            ],
        ),
        Mount(
            PREFIX,
            trim=True,
            routes=[
                Route("GET", "/openapi.json", api.openapi),
                Route("GET", "/articles", api.articles),
                Route("GET", "/articles/{slug}", api.article),
                Route("GET", "/articles/{slug}/views", api.views),
                Route("POST", "/articles/{slug}/views", api.count_view),
                Route("GET", "/articles/{slug}/views/token", api.view_token),
                Route("GET", "/categories", api.terms("categories")),
                Route("GET", "/tags", api.terms("tags")),
                Route("GET", "/authors", api.terms("authors")),
                Route("GET", "/search", api.search),
                Route("GET", ANY_PATH, api.not_found),
            ],
        ),
        Mount("", site),
    ]
