"""The browser assets of the visualization server, installed so it needs no CDN at run time.

Solara's page loads its front-end (the Vue/Vuetify app bundle, RequireJS, Font Awesome,
KaTeX, Mermaid) through the server's ``/_solara/cdn/`` proxy, which serves files from a
local cache folder and fetches from a public CDN only what the cache lacks. On a closed
network that fetch fails and the page stays on "Loading app". `install` fills the cache
ahead of time from the npm registry with ``npm pack``, for every ``package@version``
that the installed Solara references through that proxy (`solara_references`), so the
server never goes to the CDN. scripts/install_viz_assets.py is its command line, run by
``make`` when it sets up the venv; `southflank viz` warns when something is missing.

The cache folder is Solara's own setting (``SOLARA_ASSETS_PROXY_CACHE_DIR``, default
``<venv>/share/solara/cdn``). Each package is unpacked into a temporary folder and
renamed into place with a marker file, so an interrupted install never leaves half a
package that looks installed, and a second run skips what is there.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

# A package reference behind Solara's CDN prefix: `{{cdn}}/pkg@1.2.3/...` in templates,
# `${this.getCdn()}/pkg@1.2.3/...` in components, the Font Awesome path in its settings.
_CDN_REF = re.compile(
    r"(?:\{\{\s*cdn\s*\}\}|getCdn\(\)\}|fontawesome_path[^\"']*[\"'])"
    r"/((?:@[a-z0-9][\w.-]*/)?[a-z0-9][\w.-]*)@(\d+\.\d+\.\d+)/"
)
_SCANNED = (".py", ".j2", ".html", ".js", ".vue")
# Solara's own documentation website is not part of any app we serve.
_SKIPPED_DIRS = ("website",)
DONE_MARKER = ".southflank-installed"


def solara_references(root: Path | None = None) -> list[str]:
    """Every ``package@version`` that the installed Solara loads through its CDN proxy."""
    if root is None:
        import solara

        root = Path(solara.__file__).parent
    found: set[str] = set()
    for path in root.rglob("*"):
        if path.suffix not in _SCANNED or not path.is_file():
            continue
        if any(part in _SKIPPED_DIRS for part in path.relative_to(root).parts):
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        found.update(f"{name}@{ver}" for name, ver in _CDN_REF.findall(text))
    return sorted(found)


def default_cache_dir() -> Path:
    """Solara's asset cache folder (honours SOLARA_ASSETS_PROXY_CACHE_DIR)."""
    from solara.server import settings

    return Path(settings.assets.proxy_cache_dir)


def is_installed(cache: Path, spec: str) -> bool:
    return (cache / spec / DONE_MARKER).is_file()


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(
            "error: npm was not found on PATH. The visualization's browser assets are "
            "fetched with `npm pack` from the npm registry at install time.\n"
            "  Install Node.js and npm (Debian/Ubuntu: apt-get install -y npm) and run\n"
            f"  {sys.executable} scripts/install_viz_assets.py\n"
            "  or copy a filled cache folder from another machine and point "
            "SOLARA_ASSETS_PROXY_CACHE_DIR at it."
        )
    return npm


def _pack(npm: str, specs: list[str], dest: Path) -> dict[str, Path]:
    """`npm pack` each spec into dest; returns spec -> tarball."""
    proc = subprocess.run(
        [npm, "pack", "--json", "--pack-destination", str(dest), *specs],
        capture_output=True,
        text=True,
        cwd=dest,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(
            f"error: `npm pack {' '.join(specs)}` failed (exit {proc.returncode}). Is the npm "
            "registry reachable (`npm config get registry`)?\n" + proc.stderr.strip()[-2000:]
        )
    import json

    out = {}
    for entry, spec in zip(json.loads(proc.stdout), specs, strict=True):
        out[spec] = dest / entry["filename"]
    return out


def _unpack(tarball: Path, target: Path) -> int:
    """Extract an npm tarball (files under `package/`) into target atomically; bytes."""
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=target.parent))
    try:
        with tarfile.open(tarball) as tar:
            tar.extractall(staging, filter="data")
        tops = [p for p in staging.iterdir()]
        if len(tops) != 1 or not tops[0].is_dir():
            raise SystemExit(f"error: unexpected layout in {tarball.name}: {tops}")
        (tops[0] / DONE_MARKER).write_text("npm pack\n", encoding="utf-8")
        if target.exists():  # a leftover without marker: replace it
            shutil.rmtree(target)
        tops[0].rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sum(f.stat().st_size for f in target.rglob("*") if f.is_file())


def install(cache: Path, specs: list[str], log=print) -> tuple[list[str], int]:
    """Install the missing specs into cache; returns (installed specs, bytes written)."""
    missing = [s for s in specs if not is_installed(cache, s)]
    if not missing:
        return [], 0
    npm = _npm()
    cache.mkdir(parents=True, exist_ok=True)
    total = 0
    with tempfile.TemporaryDirectory(prefix="southflank-npm-") as tmp:
        tarballs = _pack(npm, missing, Path(tmp))
        for spec in missing:
            target = cache / spec
            target.parent.mkdir(parents=True, exist_ok=True)
            size = _unpack(tarballs[spec], target)
            total += size
            log(f"  {spec}: {size / 1e6:.1f} MB")
    return missing, total


def missing(cache: Path | None = None) -> list[str]:
    """The referenced packages not yet in the cache (empty: the page works offline)."""
    cache = default_cache_dir() if cache is None else cache
    return [s for s in solara_references() if not is_installed(cache, s)]
