"""Django's PostgreSQL engine, with the test suite's flush (see ``tests.web.backends``)."""
