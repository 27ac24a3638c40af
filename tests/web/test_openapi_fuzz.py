"""schemathesis generates requests from the OpenAPI spec (valid and invalid data) against the
app: none may end in a server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

TOKEN = "fuzz-token-with-16-characters-or-more"
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture()
def api_schema(fake_settings, fake_assistant, tmp_path_factory):
    from web.app import create_app

    app_settings = fake_settings.model_copy(
        update={
            "rate_limit_per_minute": 1_000_000,
            "admin_token": TOKEN,
            "upload_dir": tmp_path_factory.mktemp("fuzz-uploads"),
            "max_upload_mb": 1,
        }
    )
    app = create_app(app_settings, fake_assistant)
    return schemathesis.openapi.from_asgi("/api/openapi.json", app)


def _operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def test_every_public_operation_is_fuzzed_without_server_errors(api_schema):
    operations = [op for op in _operations(api_schema) if op.path != "/api/documents"]
    assert {op.path for op in operations} >= {"/api/ask", "/api/search", "/api/initiatives"}
    for operation in operations:

        @FUZZ
        @given(case=operation.as_strategy())
        def run(case):
            case.call_and_validate(checks=[not_a_server_error])

        run()


def test_upload_with_a_wrong_token_is_refused_cleanly(api_schema):
    (upload,) = [op for op in _operations(api_schema) if op.path == "/api/documents"]

    @FUZZ
    @given(case=upload.as_strategy())
    def run(case):
        response = case.call(headers={"Authorization": "Bearer feil"})
        # 401, then 429 once the client has failed too many times
        assert response.status_code in (401, 429), response.text
        if response.status_code == 401:
            assert response.headers["www-authenticate"] in ("Bearer", ["Bearer"])

    run()
