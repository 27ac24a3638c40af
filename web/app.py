"""The FastAPI app factory: pages, JSON API, security headers, errors in Norwegian."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from assistant.service import Assistant
from assistant.settings import Settings, get_settings
from web import admin, api, api_docs, errors, feedback, metrics, pages, ratelimit
from web.i18n import COOKIE, LANGUAGES, Translator, pick_language
from web.markup import answer_segments, marked_segments
from web.security import BodySizeLimit, HostCheck, SecurityHeaders
from web.uploads import body_limits

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
    ratelimit.install(app, settings.rate_limit_per_minute)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(
        marked_segments=marked_segments, answer_segments=answer_segments, languages=LANGUAGES
    )
    app.state.templates = templates
    feedback.install(app)

    app.add_middleware(BodySizeLimit, limit_for=body_limits(settings))
    app.add_middleware(HostCheck, allowed_hosts=settings.allowed_hosts or ["*"])
    app.add_middleware(SecurityHeaders)

    @app.middleware("http")
    async def language_and_index(request: Request, call_next):
        lang = pick_language(request.query_params.get("lang"), request.cookies.get(COOKIE))
        request.state.lang = lang
        request.state.t = Translator(lang)
        assistant.reload_in_background()  # never on the event loop: loading takes seconds
        response = await call_next(request)
        if request.query_params.get("lang") in LANGUAGES:
            response.set_cookie(COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
        return response

    metrics.install(app)
    if settings.forwarded_allow_ips:  # the client is the address a trusted proxy forwarded
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.mount(
        api_docs.SWAGGER_UI_URL, StaticFiles(directory=api_docs.SWAGGER_UI_DIR), name="swagger-ui"
    )
    app.include_router(api.router)
    app.include_router(admin.router)
    app.include_router(api_docs.router)
    app.include_router(feedback.router)
    app.include_router(pages.router)

    errors.install(app)
    return app
