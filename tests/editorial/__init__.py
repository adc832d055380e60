"""Issue 10's acceptance ("One editorial core")."""
