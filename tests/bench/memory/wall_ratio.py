#!/usr/bin/env python3
"""Whole-process wall time against `cat FILE`, with a sub-millisecond clock.

/usr/bin/time rounds to 10 ms and `cat` of a 93 MB capture in the page cache takes ~16 ms,
so the ratio to the page-cache floor (issue #18) needs time.perf_counter() around each run.
Runs are interleaved (cat, each command, cat, ...) so a load change touches all of them alike.

  wall_ratio.py [--runs N] FILE LABEL=COMMAND... (COMMAND is split on spaces; FILE is appended)
"""
import argparse
import statistics
import subprocess
import sys
import time


def timed(argv):
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode > 1:  # replay's 1 is "some table not whole"; anything above is a failure
        sys.exit(f"{' '.join(argv)} exited {done.returncode}")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9, help="runs of each command (cat gets twice as many)")
    parser.add_argument("file")
    parser.add_argument("commands", nargs="+", metavar="LABEL=COMMAND")
    args = parser.parse_args()
    commands = []
    for c in args.commands:
        label, _, command = c.partition("=")
        if not command:
            parser.error(f"{c!r}: expected LABEL=COMMAND")
        commands.append((label, command.split() + [args.file]))
    floor = ["cat", args.file]
    subprocess.run(floor, stdout=subprocess.DEVNULL, check=True)  # into the page cache
    times = {"cat": []}
    for label, _ in commands:
        times[label] = []
    for _ in range(args.runs):
        for _ in range(2):
            times["cat"].append(timed(floor))
        for label, argv in commands:
            times[label].append(timed(argv))
    cat_min, cat_median = min(times["cat"]), statistics.median(times["cat"])
    print(f"{'':24} {'min ms':>9} {'median ms':>10} {'/cat min':>9} {'/cat median':>12}")
    for label, values in times.items():
        low, mid = min(values), statistics.median(values)
        print(f"{label:24} {low * 1e3:9.1f} {mid * 1e3:10.1f} {low / cat_min:8.1f}x {mid / cat_median:11.1f}x")


if __name__ == "__main__":
    main()
