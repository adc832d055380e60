"""The read-path benchmark harness (`make bench`)."""
