"""Run import-linter after checking that .importlinter names every app that exists, and only those.

import-linter fails on a root package that does not exist, and silently skips an optional layer
(one in parentheses) that is not a root package; this makes both mistakes loud.
"""

import configparser
import os
import sys
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    roots = config["importlinter"]["root_packages"].split()
    layers = config["importlinter:contract:layers"]["layers"].split()
    problems = []
    for layer in layers:
        name = layer.strip("()")
        exists = (ROOT / name / "__init__.py").is_file()
        if exists and name not in roots:
            problems.append(f"app '{name}' exists: add it to root_packages")
        if exists and layer.startswith("("):
            problems.append(f"app '{name}' exists: write its layer without parentheses")
        if not exists and name in roots:
            problems.append(f"app '{name}' does not exist: remove it from root_packages, keep its layer as ({name})")
    if problems:
        for problem in problems:
            print(f".importlinter: {problem}", file=sys.stderr)
        return 1
    os.chdir(ROOT)
    return lint_imports(config_filename=".importlinter", no_cache=True, no_logo=True)


if __name__ == "__main__":
    sys.exit(main())
