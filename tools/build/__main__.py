"""``python -m tools.build [--src DIR] [--out DIR] [--new-vintage]``: rebuild data/ from ../shared/sources.

A raw file whose sha256 differs from the one recorded in data/datapackage.json is refused (a
damaged or truncated download) unless ``--new-vintage`` says it is a new release.
"""
import argparse
import sys

from helpers.manifest import ManifestError

from . import RawFileChangedError, run
from .core import SourceFormatError


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.build", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", help="raw sources folder (default ../shared/sources)")
    ap.add_argument("--out", help="output folder (default data/)")
    ap.add_argument("--new-vintage", action="store_true",
                    help="accept raw files whose sha256 differs from the manifest's record (a new release)")
    args = ap.parse_args(argv)
    try:
        run(args.src, args.out, new_vintage=args.new_vintage)
    except (RawFileChangedError, SourceFormatError, ManifestError, FileNotFoundError) as exc:
        print(f"error: {exc}; data/ is unchanged", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
