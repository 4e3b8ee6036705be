"""The app streak: consecutive local days on which the user did anything productive."""
