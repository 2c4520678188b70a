"""The review workflow: import, de-duplicate, screen, chart and report a systematic review."""
