"""Sizes of the listing pages and the search index for a synthetic community (not a timing).

    python bench/listings.py --members 10000

Generates N members with bench/synth.py (no photos: placeholders), loads and checks them with
the plugin's build_site, writes only the listings (directory pages, term pages, /search.json) and
prints the first directory page's bytes, the largest listing page, page counts, and the index's
bytes raw and gzipped.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "plugins"))
sys.path.insert(0, str(REPO / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--page-size", type=int, default=120)
    args = parser.parse_args()

    import synth
    from familiar import pages, search
    from familiar.output import Output
    from familiar.settings import read_settings
    from pelican.settings import read_settings as pelican_settings

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        synth.generate(root, args.members, 1, photos=False)
        overrides = {
            "PATH": str(root / "content"),
            "OUTPUT_PATH": str(root / "output"),
            "THEME": str(REPO / "theme"),
            "FAMILIAR_CACHE_PATH": str(root / ".cache"),
            "FAMILIAR_PAGE_SIZE": args.page_size,
        }
        settings = read_settings(pelican_settings(str(root / "pelicanconf.py"), override=overrides))
        site = pages.build_site(settings)
        out = Output(settings.output_path)
        for produce in (pages.directory_pages, pages.taxonomy_pages, search.search_index):
            produce(site, out)
        output = settings.output_path
        first = (output / "index.html").stat().st_size
        directory = [output / "index.html", *output.glob("page/*/index.html")]
        terms = [
            p
            for kind in ("interests", "categories", "neighbourhoods")
            for p in (output / kind).rglob("index.html")
            if p.parent != output / kind
        ]
        largest = max(directory + terms, key=lambda p: p.stat().st_size)
        raw = (output / "search.json").read_bytes()
        print(f"members:                  {len(site.community.listed)}")
        print(f"page size:                {args.page_size}")
        print(f"directory pages:          {len(directory)}")
        print(f"first page HTML:          {first:,} bytes")
        print(f"largest listing page:     {largest.stat().st_size:,} bytes "
              f"({largest.parent.relative_to(output)}/)")  # fmt: skip
        print(f"term pages (all pages):   {len(terms)}")
        print(f"search.json:              {len(raw):,} bytes, "
              f"{len(gzip.compress(raw, 6)):,} gzipped (level 6), "
              f"{len(raw) / len(site.community.listed):.0f} bytes a member")  # fmt: skip


if __name__ == "__main__":
    main()
