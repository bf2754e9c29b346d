"""Readers of list files: one module per format, each ``parse(path) -> ListVersion``.

Readers keep the source's own ids, do no matching, and fail with
:class:`~watchlist.errors.ListFormatError` naming the file and the record.
"""
