"""The server's SQLite engine, with the test suite's flush (see ``tests.web.backends``)."""
