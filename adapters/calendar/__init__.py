"""The calendar's sections and dashboard panels, each reading one domain through its service."""
