"""Breathing: a catalogue of guided techniques and the user's completed sessions."""
