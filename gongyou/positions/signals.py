"""Signals positions sends, so apps above it (benefits: people served) can react without
positions importing them."""

from django.dispatch import Signal

# Sent inside record_checkin's transaction with checkin=<CheckIn>: a receiver's writes commit or
# roll back together with the check-in.
checkin_recorded = Signal()
