"""Exit 0 when the PostgreSQL server named by a URL answers (used by `make test`)."""

import sys

import psycopg

url = sys.argv[1]
try:
    # Connect to the server's maintenance database: the test database is created by the tests.
    info = psycopg.conninfo.conninfo_to_dict(url)
    info["dbname"] = "postgres"
    with psycopg.connect(**info, connect_timeout=3):
        pass
except psycopg.Error:
    sys.exit(1)
