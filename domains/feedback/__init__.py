"""Feedback (no sign-in needed) and feature requests with one vote per user."""
