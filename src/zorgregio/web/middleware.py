from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Dutch unless the user chose another language with the switch (the language cookie).

    Django's own middleware follows the browser's Accept-Language, which would show civil
    servants with an English browser an English interface they never asked for.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every page, download and API answer that does not say
    otherwise: they may carry client data, and no browser or proxy cache may keep them.
    Static files never get here (WhiteNoise answers them first, with their own caching)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store, private"
        return response


class RequestLogMiddleware:
    """One log line per request (logger ``zorgregio.request``) with method, path, status,
    duration and user id as fields, for the JSON log format. The query string is left out:
    it may carry a search term."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import logging
        import time

        started = time.monotonic()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        logging.getLogger("zorgregio.request").info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "user_id": getattr(user, "pk", None),
            },
        )
        return response
