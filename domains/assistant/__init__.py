"""The AI assistant: conversations per user, a daily message quota, replies from a model."""
