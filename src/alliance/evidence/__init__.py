"""The evidence map of the alliance literature and a systematic-review workflow."""
