"""Pomodoro: focus and break sessions, per-user settings and statistics on the user's local days."""
