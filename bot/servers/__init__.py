"""Entry points of the internal processes (action server, Rasa server) as
`onewindow up` starts them: bound to the configured interface (loopback by
default) and closed to callers without the shared secret."""
