"""The one place where Soulstock's errors become HTTP: status codes and the JSON error shape
``{"error": {"code": ..., "message": ...}}``. Pages get a readable HTML page instead."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from soulstock.domain import errors

STATUS: tuple[tuple[type[errors.SoulstockError], int], ...] = (
    (errors.NeverReissued, 409),
    (errors.InvalidInput, 422),
    (errors.NotAuthenticated, 401),
    (errors.PermissionDenied, 403),
    (errors.NotFound, 404),
    (errors.Conflict, 409),
    (errors.Gone, 410),
    (errors.PayloadTooLarge, 413),
    (errors.UnsupportedMediaType, 415),
)
HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_requests",
}

HtmlErrorRenderer = Callable[[Request, int, str, str], Response]


def status_for(exc: errors.SoulstockError) -> int:
    return next((status for cls, status in STATUS if isinstance(exc, cls)), 400)


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path == "/healthz" or path.startswith("/download/api")


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
        parts.append(f"{where or 'request'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def install_error_handlers(app: FastAPI, *, render_html: HtmlErrorRenderer) -> None:
    def respond(request: Request, status: int, code: str, message: str) -> Response:
        if wants_json(request):
            return JSONResponse(error_body(code, message), status_code=status)
        return render_html(request, status, code, message)

    @app.exception_handler(errors.SoulstockError)
    async def _domain(request: Request, exc: errors.SoulstockError) -> Response:
        return respond(request, status_for(exc), exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        return respond(request, 422, "invalid_input", _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = HTTP_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code
        response = respond(request, exc.status_code, code, message)
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        return respond(request, 500, "internal_error", "something went wrong on our side")
