"""Capture tests: a real local web site (`site`, tests/sites.py) the app fetches over
HTTP."""
