"""``/api/docs``: Swagger UI served from this app, under the site's Content-Security-Policy.

Swagger UI's files come from the PyPI package ``fastapi-offline`` (which ships swagger-ui-dist);
nothing is loaded from a CDN, and the page has no inline script: ``/static/api-docs.js`` starts
Swagger UI with the validator switched off, so the page makes no request to another host.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from web.pages import render

router = APIRouter(include_in_schema=False)

SWAGGER_UI_DIR = Path(fastapi_offline.__file__).parent / "static"
SWAGGER_UI_URL = "/api/docs/ui"


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    return render(request, "api_docs.html", spec_url=request.app.openapi_url, ui_url=SWAGGER_UI_URL)
