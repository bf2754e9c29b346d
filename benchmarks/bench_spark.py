"""Screening on Spark: ``screen_dataframe`` on ``local[2]`` beside ``screen_many(workers=2)``.

Run: ``.venv/bin/python benchmarks/bench_spark.py [--rows 100000] [--partitions 8]
[--jurisdiction US --as-of 2025-06-01]`` (needs the ``spark`` extra).

Generates a CSV of ``--rows`` rows as ``bench_batch.py`` does (ordinary names in Latin and
Cyrillic script, company names, and one row in twenty a listed name, half of them misspelt),
then screens the same file twice, in one run, and prints the two side by side:

- the baseline: the file read with :mod:`csv`, each row made a :class:`~watchlist.Party` and
  screened by ``Screener.screen_many(workers=2)``, in rows per second;
- Spark: a ``local[2]`` session reads the same file into ``--partitions`` partitions (by
  ``spark.sql.files.maxPartitionBytes``, without a shuffle) and ``screen_dataframe`` screens
  it; the action counts the hits, which runs every row through the screener. Starting the
  session is timed apart; the time of the run includes the up-front count per partition that
  numbers the rows, and reading the file.

Both must find the same number of hits; the benchmark says so, or fails. The current matcher
compares every name with every listed entry, so each run costs about as much per row as
``bench_batch.py``'s real command: on two shared cores 100,000 rows take several minutes per
run. Pass ``--rows`` to measure fewer (the cost per row does not depend on the number of rows,
once the Spark session and workers have started).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

from bench_batch import generate
from pyspark.sql import SparkSession

from watchlist import Party, Screener
from watchlist.batch.spark import screen_dataframe

WORKERS = 2


def run_baseline(source: Path, screener: Screener, args: argparse.Namespace) -> tuple[float, int]:
    """Seconds and hits of ``screen_many(workers=2)`` over the rows of ``source``."""
    started = time.perf_counter()
    with source.open(encoding="utf-8", newline="") as file:
        parties = (Party(name=row["name"], kind=row["kind"]) for row in csv.DictReader(file))
        results = screener.screen_many(
            parties, jurisdiction=args.jurisdiction, as_of=args.as_of, workers=WORKERS
        )
        hits = sum(len(result.hits) for result in results)
    return time.perf_counter() - started, hits


def start_spark(source: Path, args: argparse.Namespace) -> SparkSession:
    os.environ["PYSPARK_PYTHON"] = os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    split = max(source.stat().st_size // args.partitions + 1, 1024)
    session = (
        SparkSession.builder.master(f"local[{WORKERS}]")
        .appName("bench_spark")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(WORKERS))
        .config("spark.sql.files.maxPartitionBytes", str(split))
        .config("spark.sql.files.openCostInBytes", "0")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def run_spark(
    spark: SparkSession, source: Path, screener: Screener, args: argparse.Namespace
) -> tuple[float, int, int]:
    """Seconds, hits and partitions of ``screen_dataframe`` over the rows of ``source``."""
    started = time.perf_counter()
    df = spark.read.csv(str(source), header=True)
    result = screen_dataframe(
        df,
        jurisdiction=args.jurisdiction,
        as_of=args.as_of,
        name_col="name",
        id_col="id",
        kind_col="kind",
        screener=screener,
    )
    hits = result.where(result.error.isNull()).count()
    return time.perf_counter() - started, hits, df.rdd.getNumPartitions()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--jurisdiction", default="US")
    parser.add_argument("--as-of", default="2025-06-01")
    args = parser.parse_args()

    screener = Screener.default()
    with tempfile.TemporaryDirectory(prefix="bench_spark.") as directory:
        source = Path(directory) / "input.csv"
        generate(source, args.rows, screener)
        print(
            f"{args.rows:,} rows ({source.stat().st_size / 1e6:.1f} MB); screening in "
            f"{args.jurisdiction} as of {args.as_of} with {screener.scorer.name}, "
            f"{os.cpu_count()} cores"
        )
        baseline_seconds, baseline_hits = run_baseline(source, screener, args)
        started = time.perf_counter()
        spark = start_spark(source, args)
        startup = time.perf_counter() - started
        try:
            spark_seconds, spark_hits, partitions = run_spark(spark, source, screener, args)
        finally:
            spark.stop()
    if spark_hits != baseline_hits:
        msg = f"Spark found {spark_hits} hits, screen_many {baseline_hits}"
        raise SystemExit(msg)
    baseline_rate = args.rows / baseline_seconds
    print(f"{'run':<48} {'seconds':>9} {'rows/s':>9} {'x base':>7} {'hits':>7}")
    for label, seconds, hits in (
        (f"baseline: screen_many(workers={WORKERS})", baseline_seconds, baseline_hits),
        (f"Spark local[{WORKERS}], {partitions} partitions", spark_seconds, spark_hits),
    ):
        rate = args.rows / seconds
        print(f"{label:<48} {seconds:>9.1f} {rate:>9,.0f} {rate / baseline_rate:>7.2f} {hits:>7,}")
    print(f"(starting the Spark session, not counted above: {startup:.1f} s)")


if __name__ == "__main__":
    main()
