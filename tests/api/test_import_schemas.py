"""`flask import` judges rows with the API's own schemas (app/schemas/interchange.py):
what the API would refuse, an import refuses too, naming the line and the field."""

from __future__ import annotations

import pytest

from app.services.interchange import ImportError_, export_lines, import_lines

EVENT = {"_type": "events", "id": 1, "date_precision": "day", "occurred_on": None,
         "summary": "", "created_at": "2022-01-27T00:00:00+00:00",
         "updated_at": "2022-01-27T00:00:00+00:00", "lock_version": 1, "deleted_at": None}


@pytest.mark.parametrize("field, value", [
    ("slug", "Not A Slug"),
    ("title", "two\nlines"),
    ("title", "x" * 301),
    ("summary", "nul \x00 byte"),
])
def test_an_event_the_api_would_refuse_is_refused(field, value):
    import json

    header = next(iter(export_lines()))
    row = {**EVENT, "slug": "call", "title": "The call", field: value}
    with pytest.raises(ImportError_) as refused:
        import_lines([header, json.dumps(row)])
    assert any(name == field for _, name, _ in refused.value.errors), refused.value.errors


def test_a_good_event_is_imported():
    import json

    header = next(iter(export_lines()))
    report = import_lines([header, json.dumps(dict(EVENT, slug="call", title="The call"))])
    assert report.counts["events"] == 1
