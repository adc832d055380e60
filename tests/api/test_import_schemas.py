"""`flask import` judges rows with the API's own schemas (app/schemas/interchange.py):
what the API would refuse, an import refuses too, naming the line and the field."""

from __future__ import annotations

import pytest

from app.services.interchange import ImportRefused, export_lines, import_lines

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
    with pytest.raises(ImportRefused) as refused:
        import_lines([header, json.dumps(row)])
    assert any(name == field for _, name, _ in refused.value.errors), refused.value.errors


def test_a_good_event_is_imported():
    import json

    header = next(iter(export_lines()))
    report = import_lines([header, json.dumps(dict(EVENT, slug="call", title="The call"))])
    assert report.counts["events"] == 1


# Values that break one rule or another of the API's fields (types, ranges, lengths,
# control characters, line breaks, slugs, URLs, dates, enums, nulls).
ODD_VALUES = [None, "", " ", "x" * 301, "y" * 20_001, "nul \x00 byte", "two\nlines", "tab\there",
              "\ud800", "Not A Slug", "a--b", "ok-slug", "ftp://example.org/", "http://",
              "https://example.org/a", 0, -1, 1, 7, 2**63, 1.5, True, "3", "not a date",
              "2022-01-27", "2022-01-27T10:00:00", "2022-01-27T10:00:00+02:00", [], {},
              "day", "anonymous", "denies", "supports", "quote"]


def test_the_import_judges_every_field_as_the_schema_itself_does(seeded):
    # Given one exported row of every table that has an API schema
    import orjson

    from app.schemas.interchange import SCHEMAS, content_validator, whole_schema_validator

    rows = {}
    for line in export_lines():
        record = orjson.loads(line)
        rows.setdefault(record.pop("_type"), record)
    for table, schema in SCHEMAS.items():
        fast, whole = content_validator(schema), whole_schema_validator(schema)
        assert fast(rows[table]) == whole(rows[table]) == {}, table
        # When any one field people write holds any odd value, or is absent
        for name, field in schema.load_fields.items():
            key = field.data_key or name
            absent = {k: v for k, v in rows[table].items() if k != key}
            assert fast(absent) == whole(absent), (table, key)
            for value in ODD_VALUES:
                record = dict(rows[table], **{key: value})
                # Then the import's validator finds what the whole schema finds
                assert fast(record) == whole(record), (table, key, value)


def test_a_schema_with_hooks_of_its_own_is_run_whole():
    from marshmallow import ValidationError, validates_schema

    from app.schemas.common import Line, Schema
    from app.schemas.interchange import content_validator

    class Range(Schema):
        low = Line(10)
        high = Line(10)

        @validates_schema
        def _ordered(self, data, **kwargs):
            if data.get("low", "") > data.get("high", "~"):
                raise ValidationError("low above high", "low")

    validate = content_validator(Range())
    assert validate({"low": "b", "high": "a", "id": 3}) == {"low": ["low above high"]}
    assert validate({"low": "a", "high": "b"}) == {}


def test_a_list_where_an_enum_belongs_is_refused_by_name():
    import json

    header = next(iter(export_lines()))
    row = dict(EVENT, slug="call", title="The call", date_precision=["day"])
    with pytest.raises(ImportRefused) as refused:
        import_lines([header, json.dumps(row)])
    assert [name for _, name, _ in refused.value.errors] == ["date_precision"] * 2
