"""The CRD schemas under tests/data/schemas, indexed by group, version, kind.

k0s's ClusterConfig has one CRD per supported k0s line
(k0s/clusterconfigs-vX.Y.Z.yaml) plus the current one
(k0s/clusterconfigs.yaml); pick() chooses by --k0s-version.
"""

import os
import re

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_VERSIONED = re.compile(r"^(?P<base>.+)-v(?P<ver>\d+\.\d+\.\d+)\.yaml$")


class Crd:
    def __init__(self, file, group, kind, scope, versions):
        self.file = file
        self.group = group
        self.kind = kind
        self.namespaced = scope == "Namespaced"
        self.versions = versions  # name -> (served, openAPIV3Schema)


def _minor(version):
    m = re.match(r"^v?(\d+)\.(\d+)", version or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


class Registry:
    def __init__(self, schema_dir, k0s_version=None):
        self.dir = schema_dir
        self.k0s_version = k0s_version
        self.by_kind = {}      # (group, kind) -> Crd
        self.variants = {}     # (group, kind) -> {(major, minor): Crd}
        self.errors = []
        for root, dirs, files in os.walk(schema_dir):
            dirs[:] = sorted(d for d in dirs if d != "helm-values")
            for f in sorted(files):
                if f.endswith(".yaml"):
                    self._load(os.path.join(root, f), f)
        if k0s_version is not None:
            self._pick_k0s()

    def _load(self, path, name):
        with open(path, encoding="utf-8") as fh:
            docs = list(yaml.load_all(fh, Loader=_Loader))
        for d in docs:
            if not isinstance(d, dict) or d.get("kind") != "CustomResourceDefinition":
                continue
            spec = d["spec"]
            versions = {v["name"]: (v.get("served", True), v["schema"]["openAPIV3Schema"])
                        for v in spec["versions"]}
            crd = Crd(path, spec["group"], spec["names"]["kind"], spec.get("scope"), versions)
            key = (crd.group, crd.kind)
            m = _VERSIONED.match(name)
            if m:
                self.variants.setdefault(key, {})[_minor(m.group("ver"))] = crd
            else:
                self.by_kind[key] = crd

    def _pick_k0s(self):
        want = _minor(self.k0s_version)
        if want is None:
            self.errors.append("--k0s-version '%s' is not a version like 1.35.7" % self.k0s_version)
            return
        for key, variants in self.variants.items():
            if want in variants:
                self.by_kind[key] = variants[want]
            elif want < max(variants):
                have = ", ".join("%d.%d" % v for v in sorted(variants))
                self.errors.append("no %s schema for k0s %d.%d (have %s and the current one)"
                                   % (key[1], want[0], want[1], have))

    def find(self, group, kind):
        return self.by_kind.get((group, kind))

    def groups(self):
        return {g for g, _ in self.by_kind}
