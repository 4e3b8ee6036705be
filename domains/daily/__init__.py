"""Daily content: a quote, a word, a writing prompt, a mind-fuel tip and a weekly theme, the
same for everyone on a UTC day."""
