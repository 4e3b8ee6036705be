"""Habits: schedules, idempotent day marks, streaks, strength and analytics on the user's days."""
