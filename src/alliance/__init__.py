"""Alliance: measure, feed back and analyse the therapeutic alliance in MSK rehabilitation."""

__version__ = "0.1.0"
