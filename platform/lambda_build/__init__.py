"""Builds the Lambda deployment package (see build.py)."""
