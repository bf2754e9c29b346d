"""Files in and out: screening a delimited file, a delta re-screening of one, or a DataFrame.

- :mod:`~watchlist.batch.reader`: reading rows in constant memory, rejecting bad ones;
- :mod:`~watchlist.batch.columns`: which input column holds which fact
  (:class:`~watchlist.batch.columns.ColumnMap`);
- :mod:`~watchlist.batch.schema`: the one output schema (columns and records) of CSV, JSON
  Lines, re-screening and Spark output, and of the audit record's list versions;
- :mod:`~watchlist.batch.run`: one run over a file, its staged outputs and audit record;
  :func:`~watchlist.batch.run.screen_file`;
- :mod:`~watchlist.batch.rescreen`: :func:`~watchlist.batch.rescreen.rescreen_file`;
- :mod:`~watchlist.batch.spark`: screening a Spark DataFrame (the ``spark`` extra).
"""
