"""Export everything as NDJSON, and import such a file all-or-nothing.

The file: a header line, then one line per row, tables in dependency order, rows by
id: `{"_type": "claims", "id": 7, "statement": "...", ...}` (`_type` names the table;
the underscore keeps it apart from columns such as links.type). Soft-deleted rows, verdict
versions, document versions (their WARC records as base64) and the revision log travel
too; secrets (password and token hashes) never do. Export → import into an empty
database → export gives the same bytes.

Import validates every line before writing anything — each column against its type,
length, enum and nullability, the fields people write through the resource's API
schema, and every reference against the file and the database — then inserts it all
in one transaction. A failed or killed import leaves the database as it was.

Lines are checked in chunks, by forked worker processes when the file is long (they
need no database); this process reads the header, keeps the chunks' results in file
order, finds ids given twice, checks the references and writes. Rows are kept as
tuples of the values the driver is sent, so the insert is one executemany per table
(one COPY on PostgreSQL).

The steps, one module each: `export` (the format and the export), `lines` (checking each
line), `workers` (checking chunks in worker processes), `references` (what rows refer to,
what must be unique) and `load` (the whole file, written in one transaction).
"""

from app.services.interchange.export import (
    SKIP_TABLES,
    Validators,
    export_lines,
    export_size,
    tables,
)
from app.services.interchange.lines import ImportRefused, ImportReport, _checker
from app.services.interchange.load import import_lines
from app.services.interchange.workers import default_workers

__all__ = ["SKIP_TABLES", "ImportRefused", "ImportReport", "Validators", "_checker",
           "default_workers", "export_lines", "export_size", "import_lines", "tables"]
