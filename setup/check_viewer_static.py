"""Checks the checked-in chart library of the live view (no npm needed).

`bridge/kfit/viewer/static/` must hold the files `vendor.js` writes, at the
version pinned in `package.json`, unchanged since (their sha256 are in
`PROVENANCE.md`). Exit status 0 when so; else 1, with the reasons on stderr
(`make viewer-vendor` regenerates the folder from npm).

    python3 setup/check_viewer_static.py [VIEWER_DIR]
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

FILES = ("uPlot.iife.min.js", "uPlot.min.css", "uPlot.LICENSE", "VERSION",
         "PROVENANCE.md")


def problems(viewer: Path) -> list[str]:
    """What is wrong with `viewer`/static; empty when it is up to date."""
    static = viewer / "static"
    missing = [name for name in FILES if not (static / name).is_file()]
    if missing:
        return [f"{static} lacks {', '.join(missing)}"]
    found: list[str] = []
    pinned = json.loads((viewer / "package.json").read_text())["dependencies"]
    vendored = json.loads((static / "VERSION").read_text())
    if vendored != pinned:
        found.append(f"static/VERSION is {vendored}, package.json pins {pinned}")
    provenance = (static / "PROVENANCE.md").read_text()
    rows = dict(re.findall(r"^\| `([^`]+)` \| `[^`]+` \| `([0-9a-f]{64})` \|$",
                           provenance, flags=re.M))
    for name in FILES[:3]:
        digest = hashlib.sha256((static / name).read_bytes()).hexdigest()
        if rows.get(name) != digest:
            found.append(f"static/{name} does not match its sha256 in PROVENANCE.md")
    for name, version in pinned.items():
        if f"- npm package `{name}` version {version}\n" not in provenance:
            found.append(f"PROVENANCE.md does not name {name} {version}")
    return found


def main(argv: list[str]) -> int:
    viewer = Path(argv[1] if len(argv) > 1 else "bridge/kfit/viewer")
    found = problems(viewer)
    for problem in found:
        print(f"kfit viewer: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
