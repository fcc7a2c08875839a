"""Lists the test methods in the scope of `aio conformance`, one per line:
`<file>\t<class>\t<method>`, the class being the one whose body defines the method.

Run by the interpreter whose `test` package is read (CPython 3.13). Reads the sources
with `ast`, imports nothing from them. Argument: the scope, `file=Class,Class` or `file`
(every class), separated by spaces.
"""

import ast
import os
import sys

import test

TEST_DIR = os.path.dirname(test.__file__)


def where(name):
    # test_asyncgen.py sits beside the test_asyncio package, the others inside it.
    inside = os.path.join(TEST_DIR, "test_asyncio", name)
    return inside if os.path.exists(inside) else os.path.join(TEST_DIR, name)


def methods(path, classes):
    with open(path, encoding="utf-8") as source:
        module = ast.parse(source.read(), path)
    for node in module.body:
        if not isinstance(node, ast.ClassDef):
            continue
        if classes and node.name not in classes:
            continue
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name.startswith("test"):
                yield node.name, item.name


def main(scope):
    for entry in scope:
        name, _, wanted = entry.partition("=")
        classes = set(filter(None, wanted.split(",")))
        path = where(name)
        if not os.path.exists(path):
            print(f"missing\t{name}\t{path}")
            continue
        for cls, method in methods(path, classes):
            print(f"{name}\t{cls}\t{method}")


if __name__ == "__main__":
    main(sys.argv[1:])
