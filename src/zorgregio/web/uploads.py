"""Upload limits that hold before anything reaches the disk.

Django limits the form fields of a request (``DATA_UPLOAD_MAX_MEMORY_SIZE``) but not its files:
a request could write as much as it sends into a temporary file. Two guards stop that at
``ZORGREGIO_MAX_UPLOAD_BYTES``: :class:`RequestSizeLimitMiddleware` refuses a request whose
declared length is larger before its body is read, and :class:`LimitedUploadHandler` (in
``FILE_UPLOAD_HANDLERS``) counts the bytes of a request without a declared length (chunked) as
they stream and stops the upload when it passes the limit. The view then says so in Dutch.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.shortcuts import render
from django.utils.translation import gettext as _

# Room for the form fields and multipart boundaries around the files.
ENVELOPE = 1024 * 1024


def limit() -> int:
    return int(settings.ZORGREGIO_MAX_UPLOAD_BYTES)


def too_large_message() -> str:
    return _("The upload is larger than the maximum of %(max)s MB; nothing was stored.") % {
        "max": limit() // 1024**2
    }


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit() + ENVELOPE:
            response = render(request, "413.html", {"message": too_large_message()}, status=413)
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Temporary files as Django writes them, stopped once the request's files pass the limit
    (the temporary file is removed when the request ends, as Django always does)."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > limit():
            if self.request is not None:
                self.request.upload_too_large = True
            raise StopUpload(connection_reset=True)
        return super().receive_data_chunk(raw_data, start)
