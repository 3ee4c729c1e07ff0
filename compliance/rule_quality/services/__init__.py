"""Rule-quality business actions: labelling, aggregating, dry runs, revisions, challengers,
tuning and suppressions. Each module's public functions are the entry points."""
