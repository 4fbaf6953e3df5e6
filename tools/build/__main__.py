"""``python -m tools.build [--src DIR] [--out DIR]``: rebuild data/ from ../shared/sources."""
import argparse
import sys

from . import run


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.build", description=__doc__)
    ap.add_argument("--src", help="raw sources folder (default ../shared/sources)")
    ap.add_argument("--out", help="output folder (default data/)")
    args = ap.parse_args(argv)
    run(args.src, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
