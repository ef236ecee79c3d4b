"""Content negotiation with a shortcut for what nearly every API client sends.

DRF parses the Accept header into media types and matches them against every renderer on each
request — about a twentieth of a partner join's Python time. Every API view here renders JSON
only, and clients send no Accept, `*/*` or `application/json`: for those the answer is known
without parsing. Anything else (a `?format=`, another Accept) goes through DRF's negotiation
unchanged, so a client asking for what we cannot render still gets its 406."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

# Accept values whose answer is the first renderer's own media type, as DRF would choose it.
PLAIN_ACCEPT = frozenset({"", "*/*", "application/json"})


class JsonFirstNegotiation(DefaultContentNegotiation):
    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> Any:
        renderers = list(renderers)
        if (
            renderers
            and format_suffix is None
            and renderers[0].media_type == "application/json"
            and request.META.get("HTTP_ACCEPT", "").strip() in PLAIN_ACCEPT
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
        ):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
