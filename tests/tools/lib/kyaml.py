"""YAML documents as Kubernetes reads them, with positions for messages.

load_file() returns every document of a file with a map from JSON path
(a tuple of keys and indexes) to (line, column), so an error can name
file:line:col. Parsing follows sigs.k8s.io/yaml: YAML 1.1 scalars (yes/no
are booleans), but timestamps stay strings, and a duplicate key is an
error instead of silently keeping the last value.
"""

import os
import re

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_Base):
    """SafeLoader without the timestamp resolver (Kubernetes keeps strings)."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}

YAML_SUFFIXES = (".yaml", ".yml")


class Document:
    """One YAML document of a file: its data and where each path starts."""

    def __init__(self, file, index, data, marks):
        self.file = file
        self.index = index  # 1-based, as people count
        self.data = data
        self.marks = marks  # path tuple -> (line, col), both 1-based

    def where(self, path):
        """file:line:col of the deepest known node on path."""
        p = tuple(path)
        while p not in self.marks and p:
            p = p[:-1]
        line, col = self.marks.get(p, (1, 1))
        return "%s:%d:%d" % (self.file, line, col)

    def label(self):
        """'document N (Kind name)' for messages."""
        d = self.data if isinstance(self.data, dict) else {}
        kind = d.get("kind")
        meta = d.get("metadata") if isinstance(d.get("metadata"), dict) else {}
        name = meta.get("name")
        what = " ".join(str(x) for x in (kind, name) if x)
        return "document %d%s" % (self.index, " (%s)" % what if what else "")


_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def format_path(path):
    """('spec', 'containers', 0, 'a.b') -> '.spec.containers[0]["a.b"]'."""
    out = []
    for p in path:
        if isinstance(p, int):
            out.append("[%d]" % p)
        elif _PLAIN_KEY.match(str(p)):
            out.append("." + str(p))
        else:
            out.append('["%s"]' % str(p).replace('"', '\\"'))
    return "".join(out) or "."


class Report:
    """Collects errors as 'file:line:col: document N (Kind name): path: what'."""

    def __init__(self):
        self.errors = []

    def add(self, doc, path, msg):
        if doc is None:
            self.errors.append("%s: %s" % (path, msg))
        else:
            self.errors.append("%s: %s: %s: %s" % (doc.where(path), doc.label(),
                                                   format_path(path), msg))

    def add_file(self, file, msg):
        self.errors.append("%s: %s" % (file, msg))


def _marks(node, path, marks, dups, at=None):
    # A map entry is located at its key, where people look for it.
    at = at or node.start_mark
    marks[path] = (at.line + 1, at.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for knode, vnode in node.value:
            key = knode.value if isinstance(knode, yaml.ScalarNode) else None
            if key == "<<":
                continue
            # Keys are strings for Kubernetes; a YAML 1.1 'on:' key would be True.
            if key in seen:
                dups.append((path + (key,), knode.start_mark))
            seen.add(key)
            _marks(vnode, path + (key,), marks, dups, knode.start_mark)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _marks(item, path + (i,), marks, dups)


def load_text(text, file, report):
    """Every non-empty document of text; YAML errors go to report."""
    docs = []
    loader = Loader(text)
    index = 0
    try:
        while loader.check_node():
            node = loader.get_node()
            index += 1
            marks, dups = {}, []
            _marks(node, (), marks, dups)
            data = loader.construct_document(node)
            doc = Document(file, index, data, marks)
            for path, mark in dups:
                report.errors.append("%s:%d:%d: %s: %s: duplicate key '%s'" % (
                    file, mark.line + 1, mark.column + 1, doc.label(),
                    format_path(path), path[-1]))
            if data is not None:
                docs.append(doc)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = "%s:%d:%d" % (file, mark.line + 1, mark.column + 1) if mark else file
        report.errors.append("%s: not valid YAML: %s" % (where, getattr(e, "problem", e)))
    finally:
        loader.dispose()
    return docs


def load_file(path, report):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        report.add_file(path, "cannot read: %s" % e)
        return []
    return load_text(text, path, report)


def yaml_files(paths, report, plain=()):
    """The YAML files named or found (sorted) under paths, minus plain ones.

    `plain` holds base names of YAML files that are not Kubernetes
    documents (harbor.yml) and so are left to yamllint.
    """
    out = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if d != "node_modules")
                for f in sorted(files):
                    if f.endswith(YAML_SUFFIXES) and f not in plain:
                        out.append(os.path.join(root, f))
        elif os.path.exists(p):
            out.append(p)
        else:
            report.add_file(p, "no such file or directory")
    return out
