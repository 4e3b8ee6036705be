"""Goals: two-week and long-term goals measured as a percentage, a counter or a checklist."""
