#!/usr/bin/env sh
# Print the path of a Python >= 3.12 (mesa 3.5 needs it), or explain and fail.
# Order: $PYTHON, python3.13/python3.12/python3 on PATH, then pyenv's versions folder.
for cand in "${PYTHON:-}" python3.12 python3.13 python3 \
    "$HOME"/.pyenv/versions/3.12*/bin/python3 "$HOME"/.pyenv/versions/3.13*/bin/python3; do
    [ -n "$cand" ] || continue
    if "$cand" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
        command -v "$cand" 2>/dev/null || echo "$cand"
        exit 0
    fi
done
echo "error: Southern Flank needs Python >= 3.12 (mesa 3.5 requires it); none was found." >&2
echo "       Install one (e.g. 'pyenv install 3.12') or point PYTHON=/path/to/python3.12 at it." >&2
exit 1
