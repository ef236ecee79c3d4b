"""Events core announces to the domain apps above it. Core imports no other app (STYLE "Our
layout"), so what an app does when, say, an enterprise founds its union is connected by that app
(in its AppConfig.ready) instead of being called from here.

Receivers run synchronously inside the sending service's transaction: a receiver's writes and
audit rows commit or roll back together with the change that caused them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by core.services.create_org after an enterprise (HQ, agent…) union is founded, with
# keyword arguments union (the new Org), enterprise and actor.
enterprise_union_founded = Signal()
