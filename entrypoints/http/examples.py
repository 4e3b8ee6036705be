"""One example per request body, shown by the OpenAPI document and the docs page's "Try it".

Each is written as a client sends it; a test decodes every one with its struct, so an example
that the server would refuse fails the build."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from entrypoints.http.schemas import (
    breathing,
    goals,
    habits,
    identity,
    journal,
    mood,
    pomodoro,
    study,
)
from entrypoints.schemas import assistant, email, feedback

ID = "3f2b8c1e-7a4d-4e55-9b0e-2c6a1d9f4b7a"
PASSWORD = "correct horse battery"  # noqa: S105 (an example, in the docs)

EXAMPLES: dict[type, dict[str, Any]] = {
    identity.RegisterRequest: {
        "email": "ada@example.com",
        "password": PASSWORD,
        "display_name": "Ada",
        "time_zone": "Europe/London",
    },
    identity.LoginRequest: {"email": "ada@example.com", "password": PASSWORD, "remember_me": True},
    identity.TokenRequest: {
        "grant_type": "password",
        "username": "ada@example.com",
        "password": PASSWORD,
    },
    identity.LogoutRequest: {"refresh_token": "<the refresh token from /auth/token>"},
    identity.GoogleSignInRequest: {
        "id_token": "<the ID token Google returned>",
        "nonce_verifier": "<the verifier from /auth/google/nonce>",
        "remember_me": False,
    },
    identity.ChangePasswordRequest: {
        "current_password": PASSWORD,
        "new_password": "a longer passphrase than before",
    },
    identity.EmailVerificationConfirm: {"token": "<the token from the mailed link>"},
    identity.PasswordResetRequest: {"email": "ada@example.com"},
    identity.PasswordResetConfirm: {
        "token": "<the token from the mailed link>",
        "new_password": "a longer passphrase than before",
    },
    identity.DeleteAccountRequest: {"password": PASSWORD},
    identity.ProfileUpdate: {"display_name": "Ada L.", "time_zone": "America/New_York"},
    journal.GratitudeCreate: {"text": "A long walk in the sun", "on_date": "2026-01-05"},
    journal.CollectionCreate: {"name": "Dreams", "password": "only for this collection"},
    journal.CollectionUpdate: {"name": "Night dreams"},
    journal.CollectionPasswordChange: {
        "current_password": "only for this collection",
        "new_password": "a new collection password",
    },
    journal.UnlockRequest: {"password": "only for this collection"},
    journal.EntryCreate: {
        "collection_id": ID,
        "title": "Monday",
        "content": {"ops": [{"insert": "A calm start.\n"}]},
        "tags": ["morning"],
    },
    journal.EntryUpdate: {"title": "Monday, calmer", "tags": ["morning", "calm"]},
    study.DeckCreate: {"name": "Spanish verbs", "description": "The irregular ones"},
    study.DeckUpdate: {"description": "Irregular verbs, present tense"},
    study.CardCreate: {"deck_id": ID, "front": "tener", "back": "to have", "tags": ["verbs"]},
    study.BulkCardCreate: {
        "cards": [{"front": "ser", "back": "to be"}, {"front": "ir", "back": "to go"}]
    },
    study.CardUpdate: {"back": "to have; to hold"},
    study.ReviewCreate: {"rating": 3, "duration_ms": 4200},
    study.ImportRequest: {"text": "front,back\ntener,to have\nser,to be\n", "format": "csv"},
    study.SettingsUpdate: {"desired_retention": 0.9, "new_cards_per_day": 20},
    pomodoro.SessionCreate: {"kind": "focus", "planned_minutes": 25},
    pomodoro.SessionComplete: {"tasks_done": 2},
    pomodoro.TasksDone: {"count": 1},
    pomodoro.SettingsUpdate: {"focus_minutes": 50, "short_break_minutes": 10},
    habits.HabitCreate: {
        "name": "Read 20 pages",
        "schedule": {"kind": "weekdays", "weekdays": [0, 2, 4]},
        "favourite": True,
    },
    habits.HabitUpdate: {"schedule": {"kind": "times_per_week", "times_per_week": 3}},
    habits.BulkMarks: {
        "marks": [
            {"habit_id": ID, "date": "2026-01-05", "done": True},
            {"habit_id": ID, "date": "2026-01-06", "done": False},
        ]
    },
    email.SubscribeRequest: {"email": "ada@example.com"},
    feedback.FeedbackCreate: {
        "category": "idea",
        "text": "A weekly summary mail would help me.",
        "contact": "ada@example.com",
    },
    feedback.FeatureCreate: {
        "title": "Dark mode",
        "description": "Easier on the eyes late at night.",
    },
    assistant.ConversationCreate: {"title": "Planning my week"},
    assistant.ConversationUpdate: {"title": "Week 2 planning"},
    assistant.MessageCreate: {"content": "Help me plan three focus sessions for tomorrow."},
    breathing.BreathingSessionCreate: {"technique": "box", "cycles": 4, "duration_seconds": 64},
    mood.MoodEntryCreate: {"happiness": 4, "focus": 3, "stress": 2, "note": "Good sleep"},
    mood.MoodEntryUpdate: {"stress": 3},
    goals.GoalCreate: {
        "title": "Run a 10k",
        "horizon": "long_term",
        "kind": "counter",
        "target": 12,
        # A year from the day the document is served: a fixed date would fall into the past.
        "due_date": (date.today() + timedelta(days=365)).isoformat(),
    },
    goals.GoalUpdate: {"target": 10},
    goals.ProgressUpdate: {"delta": 1},
    goals.ItemCreate: {"text": "Buy running shoes"},
    goals.ItemUpdate: {"done": True},
}
