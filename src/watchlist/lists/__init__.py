"""Where list data comes from and how it changes over time.

- :mod:`~watchlist.lists.formats`: one reader per official format (and the curated TOML),
  each ``parse(path) -> ListVersion``;
- :mod:`~watchlist.lists.registry`: the official lists and the format of each;
- :mod:`~watchlist.lists.store`: the version store, each version with its SHA-256;
- :mod:`~watchlist.lists.update`: downloading and verifying the publishers' current files;
- :mod:`~watchlist.lists.timeline`: a list's versions as each entry's in-force intervals;
- :mod:`~watchlist.lists.jurisdictions`: which lists a jurisdiction applies, and when;
- :mod:`~watchlist.lists.diff`: what changed between two dates;
- :mod:`~watchlist.lists.loading`: the shipped lists, and loading a directory with a store.
"""
