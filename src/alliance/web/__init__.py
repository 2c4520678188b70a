"""The clinic server: a Django project holding the only code that knows HTTP, sessions and the
ORM. Domain writes live in ``actions``, who may see which patient in ``scope``."""
