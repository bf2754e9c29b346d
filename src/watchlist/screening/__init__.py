"""Screening parties against the lists in force in a jurisdiction on a date.

- :mod:`~watchlist.screening.screener`: the :class:`~watchlist.screening.screener.Screener`;
- :mod:`~watchlist.screening.workers`: ``screen_many`` across worker processes;
- :mod:`~watchlist.screening.rescreen`: delta re-screening between two dates;
- :mod:`~watchlist.screening.status`: where and when a party is listed, over a date range;
- :mod:`~watchlist.screening.status_svg`: that status timeline drawn as an SVG picture.
"""
