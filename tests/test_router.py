"""The route matcher: exact paths, patterns, catch-alls, 405 answers and middleware order."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from newsdesk.web.http import HTTPError, Reply, Request
from newsdesk.web.router import ANY_METHOD, ANY_PATH, Handler, Middleware, Mount, Route, Router


def answer(name: str) -> Handler:
    async def handler(request: Request) -> Reply:
        return 200, [], f"{name} {dict(request.params)}".encode()

    return handler


async def _no_body() -> dict[str, str]:
    return {"type": "http.disconnect"}


def call(router: Router, method: str, path: str) -> bytes:
    scope = {"method": method, "path": path, "raw_path": path.encode()}
    request = Request.from_scope(scope, _no_body)

    async def routed() -> Reply:
        return await router.find(request)(request)

    # On a loop of its own, in a thread: the browser tests that may run before in this
    # process leave Playwright's event loop running in the main thread.
    with ThreadPoolExecutor(1) as thread:
        _, _, body = thread.submit(asyncio.run, routed()).result()
    assert isinstance(body, bytes)
    return body


def refusal(router: Router, method: str, path: str) -> tuple[str, bytes]:
    with pytest.raises(HTTPError) as raised:
        call(router, method, path)
    assert raised.value.status == 405
    return raised.value.message, dict(raised.value.headers)[b"allow"]


ROUTER = Router(
    [
        Mount(
            "/api",
            trim=True,
            routes=[
                Route("GET", "/items", answer("items")),
                Route("GET", "/items/{slug}", answer("item")),
                Route("GET", "/items/{slug}/views", answer("views")),
                Route("POST", "/items/{slug}/views", answer("count")),
                Route("GET", ANY_PATH, answer("api-missing")),
            ],
        ),
        Mount(
            "",
            [
                Route(ANY_METHOD, "/stream", answer("stream")),
                Route("GET", "/search/", answer("search")),
                Route("GET", ANY_PATH, answer("page")),
            ],
        ),
    ],
    [],
)


def test_exact_paths_then_patterns_then_the_catch_all() -> None:
    assert call(ROUTER, "GET", "/api/items") == b"items {}"
    assert call(ROUTER, "GET", "/api/items/a") == b"item {'slug': 'a'}"
    assert call(ROUTER, "GET", "/api/items/a/views") == b"views {'slug': 'a'}"
    assert call(ROUTER, "POST", "/api/items/a/views") == b"count {'slug': 'a'}"
    assert call(ROUTER, "GET", "/api/items/a/b") == b"api-missing {}"
    assert call(ROUTER, "GET", "/api") == b"api-missing {}"
    assert call(ROUTER, "GET", "/apix") == b"page {}"
    assert call(ROUTER, "GET", "/search/") == b"search {}"
    assert call(ROUTER, "GET", "/search") == b"page {}"


def test_a_trimmed_mount_ignores_slashes_around_the_path_below_its_prefix() -> None:
    assert call(ROUTER, "GET", "/api//items/") == b"items {}"
    assert call(ROUTER, "GET", "/api/items//views") == b"views {'slug': ''}"


def test_get_answers_head_and_an_any_method_route_answers_all() -> None:
    assert call(ROUTER, "HEAD", "/api/items/a") == b"item {'slug': 'a'}"
    assert call(ROUTER, "DELETE", "/stream") == b"stream {}"


def test_a_refused_method_names_what_the_path_or_the_mount_allows() -> None:
    accepted_elsewhere = ("this endpoint does not accept POST", b"GET, HEAD")
    assert refusal(ROUTER, "POST", "/api/items") == accepted_elsewhere
    assert refusal(ROUTER, "POST", "/api/nothing/here") == accepted_elsewhere
    unknown = ("method PUT is not allowed", b"GET, HEAD, POST")
    assert refusal(ROUTER, "PUT", "/api/items/a/views") == unknown
    assert refusal(ROUTER, "PUT", "/api/items") == unknown
    assert refusal(ROUTER, "POST", "/") == ("method POST is not allowed", b"GET, HEAD")


def test_middleware_wraps_each_handler_the_first_outermost() -> None:
    def tag(name: str, only: str) -> Middleware:
        def layer(route: Route, handler: Handler) -> Handler:
            if not route.pattern.startswith(only):
                return handler

            async def wrapped(request: Request) -> Reply:
                status, headers, body = await handler(request)
                assert isinstance(body, bytes)
                return status, headers, f"{name}({body.decode()})".encode()

            return wrapped

        return layer

    routes = [
        Mount("/api", [Route("GET", ANY_PATH, answer("api"))]),
        Mount("", [Route("GET", ANY_PATH, answer("page"))]),
    ]
    router = Router(routes, [tag("outer", "/"), tag("inner", "/api")])
    assert call(router, "GET", "/api/x") == b"outer(inner(api {}))"
    assert call(router, "GET", "/x") == b"outer(page {})"


def test_a_mount_needs_a_catch_all_and_the_unprefixed_mount_comes_last() -> None:
    with pytest.raises(ValueError, match="no route"):
        Router([Mount("", [Route("GET", "/", answer("home"))])], [])
    last = Mount("", [Route("GET", ANY_PATH, answer("page"))])
    with pytest.raises(ValueError, match="comes last"):
        Router([last, Mount("/api", [Route("GET", ANY_PATH, answer("api"))])], [])
