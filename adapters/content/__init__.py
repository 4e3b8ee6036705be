"""The curated content the project ships, read from JSON files in this package."""
