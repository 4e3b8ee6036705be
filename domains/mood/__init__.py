"""Mood: how happy, focused and stressed the user feels, several times a day."""
