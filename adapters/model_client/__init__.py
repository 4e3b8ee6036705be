"""Model clients: the assistant's replies from the model in this process, from the ai-handler
Lambda, or from nobody (503). Only `in_process` imports the `model` package."""
