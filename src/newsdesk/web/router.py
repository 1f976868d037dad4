"""Route matching: a table of (method, path pattern) → handler, made into a cheap lookup."""

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace

from newsdesk.web.http import HTTPError, Reply, Request

Handler = Callable[[Request], Awaitable[Reply]]
# Wraps a route's handler once, when the router is made; it may leave a route unwrapped.
Middleware = Callable[["Route", Handler], Handler]

# The method of a route that answers every method no other route of its path takes.
ANY_METHOD = "*"
# The pattern of a mount's catch-all: every path no other route of the mount matches.
ANY_PATH = "/*"

_PARAMETER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Route:
    """`method` on the paths `pattern` matches is answered by `handler`; GET answers HEAD
    too. In a pattern `{name}` matches one path segment, which the handler reads as
    `request.params[name]`."""

    method: str
    pattern: str
    handler: Handler


@dataclass(frozen=True)
class Mount:
    """Routes for the paths below `prefix` (patterns leave it out); the mount without a
    prefix comes last and takes every other path. With `trim`, slashes at either end of
    the path below the prefix are ignored. A mount ends with a route for ANY_PATH."""

    prefix: str
    routes: Sequence[Route]
    trim: bool = False


class _Target:
    """What answers one pattern: a handler by method, and one for any other method."""

    __slots__ = ("by_method", "otherwise")

    def __init__(self, by_method: dict[str, Handler], otherwise: Handler):
        self.by_method = by_method
        self.otherwise = otherwise


class _Mount:
    """A mount ready for lookups: its exact paths in a dict, its patterns compiled."""

    __slots__ = ("exact", "patterns", "prefix", "rest", "trim", "under")

    def __init__(self, mount: Mount, middleware: Sequence[Middleware]):
        self.prefix = mount.prefix
        self.under = mount.prefix + "/"
        self.trim = mount.trim
        by_pattern: dict[str, list[Route]] = {}
        for route in mount.routes:
            by_pattern.setdefault(route.pattern, []).append(route)
        if ANY_PATH not in by_pattern:
            raise ValueError(f"the mount {mount.prefix!r} has no route for {ANY_PATH}")
        # A method no route of the mount accepts is refused as unknown to all of it.
        methods = {method for r in mount.routes if r.method != ANY_METHOD for method in _both(r)}
        targets = {
            pattern: _target(mount.prefix + pattern, routes, methods, middleware)
            for pattern, routes in by_pattern.items()
        }
        self.rest = targets.pop(ANY_PATH)
        self.exact = {p: t for p, t in targets.items() if not _PARAMETER.search(p)}
        self.patterns = [(_regex(p), t) for p, t in targets.items() if _PARAMETER.search(p)]

    def below(self, path: str) -> str:
        """The part of `path` (one under the prefix) the mount's patterns match."""
        if self.trim:
            return "/" + path[len(self.prefix) :].strip("/")
        return path[len(self.prefix) :]


class Router:
    """Finds the handler of a request: its mount by prefix, then in that mount an exact
    path, else the first pattern that matches, else the catch-all. A path that matches
    but not for the request's method is answered 405 with the methods it allows. Every
    handler comes wrapped in the middleware, the first in the list outermost."""

    def __init__(self, mounts: Sequence[Mount], middleware: Sequence[Middleware]):
        *prefixed, last = mounts
        if last.prefix or not all(mount.prefix for mount in prefixed):
            raise ValueError("the mount without a prefix comes last, and only it")
        self._prefixed = [_Mount(mount, middleware) for mount in prefixed]
        self._last = _Mount(last, middleware)

    def find(self, request: Request) -> Handler:
        """The handler for the request; sets `request.params` when a pattern matched."""
        path = request.path
        for mount in self._prefixed:
            if path == mount.prefix or path.startswith(mount.under):
                path = mount.below(path)
                break
        else:
            mount = self._last
        target = mount.exact.get(path)
        if target is None:
            target = mount.rest
            for regex, candidate in mount.patterns:
                found = regex.fullmatch(path)
                if found is not None:
                    request.params = found.groupdict()
                    target = candidate
                    break
        return target.by_method.get(request.method) or target.otherwise


def _target(
    pattern: str, routes: list[Route], methods: set[str], middleware: Sequence[Middleware]
) -> _Target:
    """The handlers of one pattern (a mount's prefix included), each in the middleware."""
    by_method: dict[str, Handler] = {}
    otherwise = None
    for route in routes:
        handler = _wrap(replace(route, pattern=pattern), middleware)
        if route.method == ANY_METHOD:
            otherwise = handler
        else:
            by_method[route.method] = handler
    if "GET" in by_method:
        by_method.setdefault("HEAD", by_method["GET"])
    if otherwise is None:
        refusal = _refusal({m for route in routes for m in _both(route)}, methods)
        otherwise = _wrap(Route(ANY_METHOD, pattern, refusal), middleware)
    return _Target(by_method, otherwise)


def _wrap(route: Route, middleware: Sequence[Middleware]) -> Handler:
    handler = route.handler
    for layer in reversed(middleware):
        handler = layer(route, handler)
    return handler


def _both(route: Route) -> tuple[str, ...]:
    return (route.method, "HEAD") if route.method == "GET" else (route.method,)


def _refusal(allowed: set[str], known: set[str]) -> Handler:
    """Refuses the methods a path does not accept: a method some other path of the mount
    accepts names this path's methods; any other method the mount's."""
    here = [(b"allow", _allow(allowed))]
    anywhere = [(b"allow", _allow(known))]

    async def refuse(request: Request) -> Reply:
        if request.method in known:
            raise HTTPError(405, f"this endpoint does not accept {request.method}", here)
        raise HTTPError(405, f"method {request.method} is not allowed", anywhere)

    return refuse


def _allow(methods: set[str]) -> bytes:
    return ", ".join(sorted(methods)).encode()


def _regex(pattern: str) -> re.Pattern[str]:
    pieces = _PARAMETER.split(pattern)  # literal text, then name, text, name, … text
    return re.compile(
        "".join(
            f"(?P<{piece}>[^/]*)" if number % 2 else re.escape(piece)
            for number, piece in enumerate(pieces)
        )
    )
