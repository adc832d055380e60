"""Read models: what readers — API consumers and the pages — are shown, read in a
constant number of queries. Services write; these only read, through the same policy."""
