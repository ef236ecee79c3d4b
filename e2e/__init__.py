"""Playwright journeys (a package, so e2e/conftest.py never shadows the root conftest module)."""
