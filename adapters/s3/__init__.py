"""Amazon S3: where the assistant's model bundle (weights and tokenizer) is kept."""
