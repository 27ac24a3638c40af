"""The FastAPI app factory: pages, JSON API, security headers, errors in Norwegian."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from assistant.service import Assistant, IndexUnavailable
from assistant.settings import Settings, get_settings
from web import admin, api, api_docs, feedback, pages
from web.i18n import COOKIE, LANGUAGES, Translator, pick_language
from web.markup import answer_segments, marked_segments
from web.security import RateLimiter, SecurityHeaders
from web.uploads import UploadSizeLimit, body_limit

log = logging.getLogger(__name__)
HERE = Path(__file__).parent


def create_app(settings: Settings | None = None, assistant: Assistant | None = None) -> FastAPI:
    settings = settings or get_settings()
    assistant = assistant or Assistant(settings)
    app = FastAPI(
        title="Planassistenten",
        description="Spør norske plandokumenter og få svar med kilder og sidetall.",
        version="1.0",
        docs_url=None,  # web/api_docs.py serves Swagger UI from this app
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=feedback.lifespan,
    )
    app.state.settings = settings
    app.state.assistant = assistant
    app.state.limiter = RateLimiter(settings.rate_limit_per_minute)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(
        marked_segments=marked_segments, answer_segments=answer_segments, languages=LANGUAGES
    )
    app.state.templates = templates
    feedback.install(app)

    app.add_middleware(UploadSizeLimit, limit=body_limit(settings))
    app.add_middleware(SecurityHeaders)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts or ["*"])

    @app.middleware("http")
    async def language_and_index(request: Request, call_next):
        lang = pick_language(request.query_params.get("lang"), request.cookies.get(COOKIE))
        request.state.lang = lang
        request.state.t = Translator(lang)
        try:
            assistant.reload_if_changed()
        except Exception:  # a bad new version must never fail requests
            log.exception("index reload check failed")
        response = await call_next(request)
        if request.query_params.get("lang") in LANGUAGES:
            response.set_cookie(COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
        return response

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.mount(
        api_docs.SWAGGER_UI_URL, StaticFiles(directory=api_docs.SWAGGER_UI_DIR), name="swagger-ui"
    )
    app.include_router(api.router)
    app.include_router(admin.router)
    app.include_router(api_docs.router)
    app.include_router(feedback.router)
    app.include_router(pages.router)

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/") or request.url.path == "/healthz"

    @app.exception_handler(IndexUnavailable)
    async def unavailable(request: Request, exc: IndexUnavailable):
        log.error("index unavailable: %s", exc.message)
        if wants_json(request):
            return JSONResponse(
                {"detail": "Søket er midlertidig utilgjengelig. Prøv igjen om litt."},
                status_code=503,
                headers={"Retry-After": "30"},
            )
        return pages.error_page(request, 503, "unavailable_title", "unavailable_text")

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        return JSONResponse({"detail": api.validation_message(exc)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if wants_json(request):
            detail = exc.detail if isinstance(exc.detail, str) else "Feil i forespørselen."
            if exc.status_code == 404 and detail == "Not Found":
                detail = "Fant ikke det du spurte etter."
            return JSONResponse(
                {"detail": detail}, status_code=exc.status_code, headers=exc.headers
            )
        if exc.status_code == 404:
            return pages.error_page(request, 404, "not_found_title", "not_found_text")
        return pages.error_page(request, exc.status_code, "server_error_title", "server_error_text")

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        if wants_json(request):
            return JSONResponse({"detail": "Det oppstod en feil hos oss."}, status_code=500)
        return pages.error_page(request, 500, "server_error_title", "server_error_text")

    return app
