"""Issue 10's acceptance ("One editorial core"): the rules of who may see and do what,
checked on every surface and under concurrency.

- test_rules.py — each rule as a scenario (Flask test client, real database);
- test_editorial_state_machine.py — random request sequences by every role, with the
  reader-side invariants after each step (hypothesis; PROPERTY_EXAMPLES, PROPERTY_STEPS,
  PROPERTY_SHRINK=1, PROPERTY_TRACE=1);
- test_races.py — pairs of conflicting requests sent at once to a live gunicorn with
  two workers (RACE_ROUNDS per pair).

Run on SQLite, then PostgreSQL; figures are printed at the end of the run:

    pytest tests/editorial
    TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test pytest tests/editorial
"""
