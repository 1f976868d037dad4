"""The JSON API against its own OpenAPI document, by schemathesis: every operation,
with cases generated from the schema (valid and invalid), on a real server over
SQLite and PostgreSQL. No answer is a 5xx, and every answer matches the document:
status code, content type, headers and body."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from newsdesk.web.openapi import openapi_document
from tests.server import Server

pytestmark = pytest.mark.fuzz

# Cases per operation, generation mode and backend: bounded for the suite's time.
MAX_EXAMPLES = 100
DOCUMENT = openapi_document("")
CASES = [
    pytest.param(operation["operationId"], mode, id=f"{operation['operationId']}-{mode.value}")
    for methods in DOCUMENT["paths"].values()
    for operation in methods.values()
    for mode in GenerationMode
    # A path parameter has no invalid value that fits in a path: negative cases need
    # query parameters.
    if mode is GenerationMode.POSITIVE
    or any(p["in"] == "query" for p in operation.get("parameters", []))
]
# A cursor is opaque: only a next_cursor the server gave is valid, which no schema
# can say, so a made-up one is rightly refused.
EXCLUDED_CHECKS = {"list_articles": [schemathesis.checks.positive_data_acceptance]}


def sent_as_generated(case: schemathesis.Case) -> bool:
    """A query value that is a list, an object or null is sent as other parameters or
    none (form style), which the server rightly ignores: such a case tests nothing."""
    return not any(isinstance(v, list | dict) or v is None for v in (case.query or {}).values())


@pytest.fixture(scope="module")
def api_schema(demo_server: Server) -> schemathesis.BaseSchema:
    """The document as the server serves it, not as the code builds it."""
    return schemathesis.openapi.from_url(f"{demo_server.url}/api/v1/openapi.json")


@pytest.mark.parametrize(("operation_id", "mode"), CASES)
def test_every_operation_conforms_to_the_openapi_document(
    api_schema: schemathesis.BaseSchema, operation_id: str, mode: GenerationMode
) -> None:
    operation = api_schema.find_operation_by_id(operation_id)
    strategy = operation.as_strategy(generation_mode=mode).filter(sent_as_generated)
    sent: list[str] = []

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: schemathesis.Case) -> None:
        sent.append(case.formatted_path)
        case.call_and_validate(excluded_checks=EXCLUDED_CHECKS.get(operation_id))

    run()
    print(f"{operation_id} ({mode.value}): {len(sent)} requests")
    assert sent
