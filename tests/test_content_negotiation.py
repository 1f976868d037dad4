"""Accept-Encoding read with its q-values, an ETag per encoding, and revalidation that
works whichever encoding the client holds."""

import gzip

import pytest

from newsdesk.web.negotiate import prefers_gzip
from tests.asgi import InProcess


@pytest.mark.parametrize(
    ("accept_encoding", "gzipped"),
    [
        ("gzip", True),
        ("gzip, deflate, br, zstd", True),
        ("GZIP", True),
        ("x-gzip", True),
        ("*", True),
        ("br;q=1.0, gzip;q=0.8, *;q=0.1", True),
        ("identity;q=0, gzip", True),
        ("gzip;q=0", False),
        ("gzip;q=0.0, deflate", False),
        ("deflate, br", False),
        ("identity", False),
        ("", False),
        ("*;q=0", False),
        ("*;q=0, identity", False),
        ("gzip;q=0.5, identity", False),
        ("gzip;q=0.5, identity;q=0.4", True),
        ("gzip;q=1.5", False),
        ("gzip;q=nan", False),
        ("gzip;q=high", False),
        ("*, gzip;q=0", False),
    ],
)
def test_accept_encoding_q_values(accept_encoding: str, gzipped: bool) -> None:
    assert prefers_gzip(accept_encoding) is gzipped


def test_gzip_q_0_gets_the_page_uncompressed(demo_app: InProcess) -> None:
    refused = demo_app.send_raw(b"GET / HTTP/1.1\r\nAccept-Encoding: gzip;q=0, identity")
    wanted = demo_app.send_raw(b"GET / HTTP/1.1\r\nAccept-Encoding: gzip;q=1")
    assert refused.header("content-encoding") is None
    assert refused.body.startswith(b"<!doctype html>")
    assert wanted.header("content-encoding") == "gzip"
    assert gzip.decompress(wanted.body) == refused.body
    assert refused.header("vary") == wanted.header("vary") == "accept-encoding"


def test_each_encoding_has_its_own_etag_and_either_revalidates(demo_app: InProcess) -> None:
    plain = demo_app.send_raw(b"GET / HTTP/1.1\r\nAccept-Encoding: identity")
    zipped = demo_app.send_raw(b"GET / HTTP/1.1\r\nAccept-Encoding: gzip")
    plain_tag, zipped_tag = plain.header("etag"), zipped.header("etag")
    assert plain_tag and zipped_tag and plain_tag != zipped_tag
    assert zipped_tag == plain_tag[:-1] + '-gzip"'
    for accept in (b"gzip", b"identity"):
        for held in (plain_tag, zipped_tag, f"W/{zipped_tag}", f'"other", {plain_tag}'):
            request = b"GET / HTTP/1.1\r\nAccept-Encoding: %s\r\nIf-None-Match: %s" % (
                accept,
                held.encode(),
            )
            answer = demo_app.send_raw(request)
            assert answer.status == 304 and answer.body == b"", (accept, held)
            # The validator of what this client would be sent now.
            assert answer.header("etag") == (zipped_tag if accept == b"gzip" else plain_tag)
    stale = demo_app.send_raw(b'GET / HTTP/1.1\r\nAccept-Encoding: gzip\r\nIf-None-Match: "old"')
    assert stale.status == 200 and stale.header("etag") == zipped_tag


def test_small_answers_and_images_are_not_gzipped_nor_vary(demo_app: InProcess) -> None:
    robots = demo_app.send_raw(b"GET /robots.txt HTTP/1.1\r\nAccept-Encoding: gzip")
    image = demo_app.send_raw(
        b"GET /images/news/k8s-native-sidecar.png HTTP/1.1\r\nAccept-Encoding: gzip"
    )
    for answer in (robots, image):
        assert answer.status == 200
        assert answer.header("content-encoding") is None and answer.header("vary") is None
