"""The search scenarios of bench/serve.py: distinct queries, each one new to the
server (random 2–4 character substrings of the site's articles, as visitors and
crawlers send them), alone at full load and as a flood beside article pages."""

import random
import re
import threading
import urllib.parse
from collections.abc import Callable
from pathlib import Path

QUERIES = 5000
FLOOD_CONNECTIONS = 16
DISTINCT_SHARE = 0.10  # distinct searches answered at ≥ 10% of the article page's req/s
FLOOD_SHARE = 0.70  # article pages keep ≥ 70% of their idle req/s while flooded
FLOOD_P99 = 3.0  # … with a p99 under 3× their idle p99
# Where the flood's `since` passes start: past any the distinct run reaches.
FLOOD_FIRST_PASS = 1000
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)

# Request k of the run (counted from 1 over all T threads, each taking every T-th k)
# asks query k mod N; each later pass through the queries adds a `since` one day
# earlier, before every article, so that its results stay the same and its search is
# new to the server. A run that must not repeat an earlier one's searches starts at a
# later pass.
_LUA = """\
local queries = {{{queries}}}
local count = 0
setup = function(thread)
  thread:set("index", count)
  count = count + 1
end
sent = 0
request = function()
  local k = 1 + index + {threads} * sent
  sent = sent + 1
  local path = "/api/v1/search?q=" .. queries[(k % #queries) + 1]
  local pass = {first_pass} + math.floor(k / #queries)
  if pass > 0 then
    path = path .. "&since=" .. os.date("!%Y-%m-%d", -86400 * pass)
  end
  return wrk.format(nil, path)
end
"""


def distinct_queries(site: Path, count: int = QUERIES) -> list[str]:
    """Random 2 to 4 character substrings of the articles' bodies, without spaces."""
    rng = random.Random(13)
    files = sorted((site / "content").rglob("*.md"))
    bodies = [_FRONT_MATTER.sub("", path.read_text(encoding="utf-8")) for path in files[:2000]]
    queries: set[str] = set()
    while len(queries) < count:
        body = rng.choice(bodies)
        length = rng.randint(2, 4)
        start = rng.randrange(max(len(body) - length, 1))
        query = body[start : start + length]
        if len(query) == length and not re.search(r"[\s#*`|>\[\]()<-]", query):
            queries.add(query)
    return sorted(queries)


def lua(queries: list[str], threads: int, first_pass: int = 0) -> str:
    """The wrk script's request hook: every request a distinct search."""
    quoted = ", ".join(f'"{urllib.parse.quote(query)}"' for query in queries)
    return _LUA.format(queries=quoted, threads=threads, first_pass=first_pass)


def side_by_side(first: Callable[[], object], second: Callable[[], object]) -> None:
    """Runs both at once (each starts a wrk of its own) and waits for both."""
    thread = threading.Thread(target=first)
    thread.start()
    try:
        second()
    finally:
        thread.join()
