"""`makemessages` that also extracts `_l("…")`.

Modules that need both forms import `gettext as _` and `gettext_lazy as _l`; xgettext only knows
`_`, `gettext_lazy` and friends, so without this every `_l` string (export headers, choices)
silently stayed out of the catalogue and showed Chinese after switching to English."""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l"]
