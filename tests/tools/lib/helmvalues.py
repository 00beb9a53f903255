"""Checks a chart's values override against the chart's default values.

Helm accepts any key in a values override and silently ignores the ones
no template reads, so a misspelt key (`driver.enable`) or one a newer
chart renamed turns into a setting that never happens. The chart's own
values.yaml lists the keys its templates read; every key path of an
override must exist there, except below maps the defaults leave open.

Open (unknown keys allowed below them):
- a map whose default is {} or null (the chart leaves it to the user);
- FREE_FORM keys, whose content is Kubernetes data or free-form settings
  (nodeSelector, labels, resources, tolerations, ...);
- SUBCHARTS: a dependency chart's section, since its full defaults live in
  the subchart, not in this file (only the keys this file mentions are
  checked there, for type).
Lists are not looked into (their items are user data).

Types: where the default is a boolean the override must be a boolean (a
quoted "false" is true to a template), a map must stay a map and a list a
list.
"""

import difflib
import os
import re

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

FREE_FORM = {
    "nodeSelector", "affinity", "tolerations", "resources", "labels", "annotations",
    "podLabels", "podAnnotations", "commonLabels", "additionalLabels", "extraLabels",
    "serviceLabels", "serviceAnnotations", "matchLabels", "securityContext",
    "podSecurityContext", "containerSecurityContext", "extraArgs", "extraEnv", "env",
    "envFrom", "extraVolumes", "extraVolumeMounts", "volumes", "volumeMounts",
    "initContainers", "extraContainers", "sidecars", "global", "topologySpreadConstraints",
    "livenessProbe", "readinessProbe", "startupProbe", "updateStrategy", "strategy",
    "imagePullSecrets", "priorityClassName", "featureGates",
}

SUBCHARTS = {
    "gpu-operator": {"node-feature-discovery"},
    "kube-prometheus-stack": {"grafana", "kube-state-metrics", "prometheus-node-exporter",
                              "prometheus-windows-exporter"},
    "metallb": {"frr-k8s", "crds"},
    "network-operator": {"node-feature-discovery", "sriov-network-operator",
                         "maintenance-operator-chart"},
    "spark-operator": set(),
}


def chart_name(ref):
    """'nvidia/gpu-operator', 'oci://host/charts/metallb:0.15.2' or
    '/var/lib/k0s/charts/gpu-operator-v25.3.0.tgz' -> the chart's name."""
    base = ref.rstrip("/").rsplit("/", 1)[-1]
    for suffix in (".tgz", ".tar.gz"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            # A packaged chart is NAME-VERSION.tgz, VERSION starting with a digit or v+digit.
            parts = base.split("-")
            for i in range(1, len(parts)):
                p = parts[i]
                if p[:1].isdigit() or (p[:1] == "v" and p[1:2].isdigit()):
                    base = "-".join(parts[:i])
                    break
    return base.split(":", 1)[0].split("@", 1)[0]


class Charts:
    """The default values (and schemas) under a helm-values directory."""

    def __init__(self, directory):
        self.dir = directory
        self._cache = {}

    def defaults(self, name):
        """(known keys, default values, values schema or None), or None
        when there is no values file for the chart. The known keys are the
        defaults plus the keys documented in comments."""
        if name not in self._cache:
            path = os.path.join(self.dir, name + ".values.yaml")
            schema_path = os.path.join(self.dir, name + ".values.schema.json")
            if not os.path.exists(path):
                self._cache[name] = None
            else:
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                values = yaml.load(text, Loader=_Loader) or {}
                known = yaml.load(text, Loader=_Loader) or {}
                add_commented_keys(text, known)
                schema = None
                if os.path.exists(schema_path):
                    import json
                    with open(schema_path, encoding="utf-8") as f:
                        schema = json.load(f)
                self._cache[name] = (known, values, schema)
        return self._cache[name]

    def known(self):
        if not os.path.isdir(self.dir):
            return []
        return sorted(f[: -len(".values.yaml")] for f in os.listdir(self.dir)
                      if f.endswith(".values.yaml"))


_COMMENTED_KEY = re.compile(r"^(\s*)#\s?([A-Za-z][A-Za-z0-9_.-]*):(\s|$)")


def add_commented_keys(text, values):
    """Adds the keys a values file documents in comments (`# priorityClassName: ""`)
    to `values`, as open (None): charts list optional keys that way, and
    their templates read them."""
    keys = {}
    _key_lines(yaml.compose(text, Loader=_Loader), (), keys)
    stack = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if lineno in keys:
            col, path = keys[lineno]
            while stack and stack[-1][0] >= col:
                stack.pop()
            stack.append((col, path))
            continue
        m = _COMMENTED_KEY.match(line)
        if not m:
            continue
        col = len(m.group(1))
        while stack and stack[-1][0] > col:
            stack.pop()
        if not stack:
            parent = ()
        elif stack[-1][0] == col:
            parent = stack[-1][1][:-1]
        else:
            parent = stack[-1][1]
        target = values
        for p in parent:
            try:
                target = target[p]
            except (KeyError, IndexError, TypeError):
                target = None
                break
        if isinstance(target, dict):
            target.setdefault(m.group(2), None)


def _key_lines(node, path, out):
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode):
                out.setdefault(k.start_mark.line + 1, (k.start_mark.column, path + (k.value,)))
                _key_lines(v, path + (k.value,), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _key_lines(item, path + (i,), out)


def _kind(v):
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, dict):
        return "a map"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, str):
        return "a string"
    return "a number"


def check_values(user, default, report, path=(), subcharts=frozenset(), deep_open=False):
    """Reports (path, message) for every key of user unknown to default."""
    if user is None or default is None:
        return
    if isinstance(default, dict):
        if not isinstance(user, dict):
            report(path, "expected a map (the chart's default is a map), got %s" % _kind(user))
            return
        open_here = deep_open or not default
        for k, uv in user.items():
            sub = path + (k,)
            if k in FREE_FORM:
                if k in default and default[k] not in (None, {}, []) and uv is not None \
                        and isinstance(default[k], (dict, list)) != isinstance(uv, (dict, list)):
                    report(sub, "expected %s (like the chart's default), got %s" % (_kind(default[k]), _kind(uv)))
                continue
            if k in default:
                check_values(uv, default[k], report, sub, subcharts,
                             deep_open or (not path and k in subcharts))
            elif not open_here and not (not path and k in subcharts):
                close = difflib.get_close_matches(str(k), [str(x) for x in default], n=1, cutoff=0.7)
                hint = " (did you mean '%s'?)" % close[0] if close else ""
                report(sub, "unknown key '%s': the chart's default values have no such key%s"
                       % (k, hint))
        return
    if isinstance(default, list):
        if not isinstance(user, list):
            report(path, "expected a list (the chart's default is a list), got %s" % _kind(user))
        return
    if isinstance(default, bool):
        if not isinstance(user, bool):
            report(path, "expected a boolean (the chart's default is %s), got %s %r"
                   % (str(default).lower(), _kind(user), user))
        return
    if isinstance(user, (dict, list)):
        report(path, "expected a single value (the chart's default is %r), got %s"
               % (default, _kind(user)))


def merge(defaults, override):
    """Helm's coalescing: maps merge, everything else replaces, null deletes."""
    if not isinstance(defaults, dict) or not isinstance(override, dict):
        return override
    out = dict(defaults)
    for k, v in override.items():
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        else:
            out[k] = v
    return out
