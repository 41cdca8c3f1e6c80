"""Running OneWindow beyond one process per role: schema migrations, PostgreSQL
and Redis on loopback for the scaled stack and its tests, and the chat load
generator `make bench` uses."""
