#!/usr/bin/env python3
"""check_docs.py - the documents name only what exists.

usage: python3 tests/harness/check_docs.py [--kernel ELF] [DOC...]

Reads README.md and every docs/**/*.md (or the DOCs given) and checks,
in each, in order:

  files       a word of an inline code span that is a path under one of
              the repository's folders (`mm/kswiod.c`, `tools/gdb/`), or
              a bare file name (`nbd_dev.h`), and every relative link
              target ([tour](tour/README.md)): the file exists (globs
              match one); build/ and paths outside the repository
              (`kswiod/hda`, `/nbd`) are not files
  functions   a code-span word written as a call, `name()`: a symbol of
              the kernel image (static ones too) or a definition in the
              sources (C function, macro, asm label, Python def)
  names       a code-span word that is a long lower-case name, with three
              underscores or more (`swap_pages_out_and_back_bit_identical`,
              `kswiod_queue_page`): a test, or a symbol or definition as
              above; shorter names (`lock_super`, `hog_mb`) are too often
              neither to be judged
  tests       every item of TESTS=... and SCENARIO=... anywhere in the
              text (code blocks too): a name or glob that matches a test
              of make test (the kernel's KTESTs and the harness's tests)
  walks       a gdb walk (`$ make debug` transcript) only where
              check_gdb_walks.py runs it: README.md and docs/*.md

and, once, the kernel parameters: the table under "## Kernel command
line" in docs/reference.md has one row per KERNEL_PARAM of the sources
(include/cmdline.h), the same names with the same defaults, and every
cmdline_get, cmdline_has and cmdline_get_u32 of a literal name in the
sources reads a registered one.

It needs the built kernel (for its symbols and its tests).  Exits 0 when
everything named exists; otherwise 1, printing the first thing missing,
as "DOC:LINE: what: name", as the last line.
"""
import argparse
import fnmatch
import glob
import os
import re
import subprocess
import sys

import kernel

ROOT = kernel.ROOT
CODE_SPAN = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
LINK = re.compile(r"\]\(([^)\s]+)\)")
CALL = re.compile(r"^([A-Za-z_]\w*)\(\)$")
FILE_NAME = re.compile(r"^[\w.-]+\.(c|h|asm|py|md|ld|cfg|sh)$")
LONG_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+){3,}$")
PATH = re.compile(r"^[\w.-]+/[\w.*/-]*$")
TESTS_ARG = re.compile(r"\b(TESTS|SCENARIO)=('[^']*'|\"[^\"]*\"|[^\s`'\")]+)")
PARAM = re.compile(r'^KERNEL_PARAM\((\w+),\s*"((?:[^"\\]|\\.)*)",', re.M)
PARAM_READ = re.compile(r'\bcmdline_(?:get|has|get_u32)\("(\w+)"')
PARAM_DOC = "docs/reference.md"
PARAM_HEADING = "## Kernel command line"
PARAM_ROW = re.compile(r"^\| `(\w+)` \| (.*?) \|")
WALK_LINE = re.compile(r"^\s*\$ make debug\b")
SCENARIO_WORDS = {"all", "stress"}      # tools/bootrun's words, not tests

# Where each kind of source defines a callable: a C definition or
# declaration starts at column 0 with its type, a macro has parameters;
# an asm label; a Python def.
DEFINITIONS = {
    ".c": [re.compile(r"^[A-Za-z_][\w \t*]*?\b([A-Za-z_]\w*)\s*\(", re.M),
           re.compile(r"^#\s*define\s+([A-Za-z_]\w*)\(", re.M)],
    ".asm": [re.compile(r"^([A-Za-z_]\w*):", re.M)],
    ".py": [re.compile(r"^\s*def\s+([A-Za-z_]\w*)\s*\(", re.M)],
}
DEFINITIONS[".h"] = DEFINITIONS[".c"]
ATTRIBUTE = re.compile(r"__attribute__\s*\(\(.*?\)\)\s*")     # hides a definition's name


class Missing(Exception):
    pass


def documents():
    """README.md and docs/**/*.md, relative to the root, in a fixed order."""
    docs = glob.glob(os.path.join(ROOT, "docs", "**", "*.md"), recursive=True)
    return ["README.md"] + sorted(os.path.relpath(d, ROOT) for d in docs)


def tracked_files():
    out = subprocess.run(["git", "-C", ROOT, "ls-files"], check=True, capture_output=True,
                         text=True).stdout
    return out.split()


def defined_names(files, elf):
    names = set()
    out = subprocess.run([kernel.NM, elf], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        names.add(line.split()[-1])
    for path in files:
        rxs = DEFINITIONS.get(os.path.splitext(path)[1], ())
        if rxs:
            with open(os.path.join(ROOT, path), errors="replace") as f:
                text = ATTRIBUTE.sub("", f.read())
            for rx in rxs:
                names.update(rx.findall(text))
    return names


def test_names(elf):
    """Every name make test runs, every KTEST (manual ones too) and every
    short name a KTEST also answers to."""
    import run_tests        # here: run_tests imports this module's neighbours
    return (set(run_tests.all_tests()) | set(kernel.registered("ktest_desc_", elf))
            | set(kernel.aliases(elf)))


def registered_params(files):
    """{name: default} of every KERNEL_PARAM, and the names the sources
    read by literal; a name registered twice raises Missing."""
    params, reads = {}, set()
    for path in files:
        if path.endswith(".c"):
            with open(os.path.join(ROOT, path)) as f:
                text = f.read()
            for name, dflt in PARAM.findall(text):
                if name in params:
                    raise Missing(f"{path}: parameter registered twice: {name}")
                params[name] = dflt
            reads.update(PARAM_READ.findall(text))
    return params, reads


def documented_params():
    """[(line, name, default)] of the parameter table of PARAM_DOC; a
    default written `-` is none ("")."""
    with open(os.path.join(ROOT, PARAM_DOC)) as f:
        lines = f.read().splitlines()
    start = lines.index(PARAM_HEADING)
    rows = []
    for n, line in enumerate(lines[start + 1:], start + 2):
        if line.startswith("## "):
            break
        m = PARAM_ROW.match(line)
        if m:
            dflt = m.group(2).strip("`")
            rows.append((n, m.group(1), "" if dflt == "-" else dflt))
    return rows


def check_params(files):
    params, reads = registered_params(files)
    unregistered = sorted(reads - set(params))
    if unregistered:
        raise Missing(f"sources: parameter read but not registered: {unregistered[0]}")
    documented = {}
    for n, name, dflt in documented_params():
        where = f"{PARAM_DOC}:{n}"
        if name not in params:
            raise Missing(f"{where}: parameter: {name}")
        if dflt != params[name]:
            raise Missing(f"{where}: parameter {name}'s default: {params[name]!r}, not {dflt!r}")
        documented[name] = dflt
    undocumented = sorted(set(params) - set(documented))
    if undocumented:
        raise Missing(f"{PARAM_DOC}: parameter not in the table: {undocumented[0]}")
    return len(params)


class Checker:
    def __init__(self, elf):
        self.files = tracked_files()
        self.folders = {p.split("/")[0] for p in self.files if "/" in p}
        self.basenames = {os.path.basename(p) for p in self.files}
        self.names = defined_names(self.files, elf)
        self.tests = test_names(elf)
        self.counts = dict(files=0, functions=0, tests=0, names=0)

    def path_exists(self, path):
        path = path.rstrip("/")
        if any(c in path for c in "*?["):
            return bool(glob.glob(os.path.join(ROOT, path)))
        return os.path.exists(os.path.join(ROOT, path))

    def word(self, where, word):
        word = word.strip(".,;:")
        call = CALL.match(word)
        word = word if call else word.strip("()")
        if call:
            self.counts["functions"] += 1
            if call.group(1) not in self.names:
                raise Missing(f"{where}: function: {word}")
        elif PATH.match(word) and word.split("/")[0] in self.folders:
            self.counts["files"] += 1
            if not self.path_exists(word):
                raise Missing(f"{where}: file: {word}")
        elif LONG_NAME.match(word):
            self.counts["names"] += 1
            if word not in self.tests and word not in self.names:
                raise Missing(f"{where}: test or symbol: {word}")
        elif FILE_NAME.match(word) and "/" not in word:
            self.counts["files"] += 1
            if word not in self.basenames:
                raise Missing(f"{where}: file: {word}")

    def link(self, where, doc, target):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            return
        self.counts["files"] += 1
        path = os.path.normpath(os.path.join(os.path.dirname(doc), target.split("#")[0]))
        if not os.path.exists(os.path.join(ROOT, path)):
            raise Missing(f"{where}: link: {target}")

    def tests_arg(self, where, kind, value):
        for item in value.strip("'\"").split(","):
            if not re.search(r"[a-z]", item) or (kind == "SCENARIO" and item in SCENARIO_WORDS):
                continue                        # a placeholder (TESTS=NAME, TESTS=...) or a word
            self.counts["tests"] += 1
            if not any(fnmatch.fnmatch(t, item) for t in self.tests):
                raise Missing(f"{where}: test: {item}")

    def doc(self, doc):
        with open(os.path.join(ROOT, doc)) as f:
            lines = f.read().splitlines()
        walks_run = doc == "README.md" or os.path.dirname(doc) == "docs"
        for n, line in enumerate(lines, 1):
            where = f"{doc}:{n}"
            if WALK_LINE.match(line) and not walks_run:
                raise Missing(f"{where}: walk outside README.md and docs/*.md, "
                              "where gdb_walks_work_as_written would not run it")
            for span in CODE_SPAN.findall(line):
                for word in span.split():
                    self.word(where, word)
            for target in LINK.findall(line):
                self.link(where, doc, target)
            for kind, value in TESTS_ARG.findall(line):
                self.tests_arg(where, kind, value)


def main():
    p = argparse.ArgumentParser(description="the documents name only what exists")
    p.add_argument("--kernel", default=kernel.KERNEL)
    p.add_argument("docs", nargs="*", help="documents, relative to the root "
                   "(default: README.md, docs/**/*.md)")
    args = p.parse_args()
    docs = args.docs or documents()
    try:
        checker = Checker(args.kernel)
        for doc in docs:
            checker.doc(doc)
        nparams = check_params(checker.files)
    except Missing as m:
        print(f"check_docs: FAIL: missing: {m}")
        return 1
    c = checker.counts
    print(f"check_docs: PASS: {len(docs)} documents; {c['files']} files, "
          f"{c['functions']} functions, {c['tests']} tests in TESTS=, {c['names']} other "
          f"tests or symbols named, each exists; {nparams} kernel parameters documented")
    return 0


if __name__ == "__main__":
    sys.exit(main())
