"""Serving bundles: what the assistant loads in production.

A bundle is a folder of `model.safetensors` (bf16, or int8 weight matrices with per-row scales),
`config.json`, `tokenizer.json` and `manifest.json`, which names every other file with its
size and sha256. `model.api.load` verifies every checksum before it reads a byte of weights, so
a truncated download or a tampered file is refused (BundleIntegrityError), never served.
"""
