"""Print one of README.md's set-up commands, so CI runs exactly what the README tells users.

Usage: python .ci/readme_command.py run|test
The README marks each command with an HTML comment (<!-- command:run -->, <!-- command:test -->)
directly above a fenced block holding the one-line command.
"""

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_command(which: str, readme: Path = README) -> str:
    text = readme.read_text(encoding="utf-8")
    match = re.search(rf"<!-- command:{which} -->\s*```[a-z]*\n(.+?)\n```", text)
    if not match:
        raise SystemExit(f"README.md has no <!-- command:{which} --> block")
    return match.group(1).strip()


if __name__ == "__main__":
    print(readme_command(sys.argv[1]))
