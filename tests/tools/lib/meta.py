"""ObjectMeta checks the API server makes on every object (apimachinery's
ValidateObjectMeta): names, namespaces, label and annotation syntax.
validate-core (Node) has the same rules in meta.js; keep them in step.
"""

import re

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")

META_FIELDS = {
    "name", "generateName", "namespace", "labels", "annotations", "finalizers",
    "ownerReferences", "uid", "resourceVersion", "generation", "creationTimestamp",
    "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink",
}


def dns_subdomain_error(v):
    if len(v) > 253 or not DNS_SUBDOMAIN.match(v):
        return ("'%s' is not a valid name: lowercase letters, digits, '-' and '.', "
                "starting and ending with a letter or digit, at most 253 characters" % v)
    return None


def dns_label_error(v):
    if len(v) > 63 or not DNS_LABEL.match(v):
        return ("'%s' is not a valid DNS label: lowercase letters, digits and '-', "
                "starting and ending with a letter or digit, at most 63 characters" % v)
    return None


def qualified_name_error(key):
    """Label and annotation keys: [prefix/]name."""
    prefix, _, name = key.rpartition("/")
    if prefix and (len(prefix) > 253 or not DNS_SUBDOMAIN.match(prefix)):
        return "key '%s' has an invalid prefix '%s' (must be a DNS subdomain)" % (key, prefix)
    if not name or len(name) > 63 or not QUALIFIED_NAME.match(name):
        return ("key '%s' is not a qualified name: at most 63 letters, digits, '-', '_' "
                "or '.', starting and ending with a letter or digit" % key)
    return None


def _string_map(m, path, report, what, check_value):
    if not isinstance(m, dict):
        report(path, "%s must be a map of strings" % what)
        return
    for k, v in m.items():
        if not isinstance(k, str):
            report(path + (str(k),), "%s key %r is not a string (quote it)" % (what, k))
            continue
        err = qualified_name_error(k)
        if err:
            report(path + (k,), err)
        if not isinstance(v, str):
            report(path + (k,), "%s values must be strings (quote %s)" % (what, _yaml_repr(v)))
        elif check_value and v and (len(v) > 63 or not QUALIFIED_NAME.match(v)):
            report(path + (k,), "label value '%s' is not valid: at most 63 letters, digits, "
                                "'-', '_' or '.', starting and ending with a letter or digit" % v)


def _yaml_repr(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def check_object_meta(meta, path, report, need_name=True, namespaced=None, name_rule="subdomain"):
    """Reports problems of an ObjectMeta at path.

    namespaced: True/False when the kind's scope is known (a cluster-scoped
    object must not name a namespace), None when unknown. name_rule is
    "subdomain", "label" or "path" (RBAC names may hold ':').
    """
    if meta is None:
        if need_name:
            report(path, "missing metadata (every object needs metadata.name)")
        return
    if not isinstance(meta, dict):
        report(path, "metadata must be a map")
        return
    for k in meta:
        if k not in META_FIELDS:
            report(path + (str(k),), "unknown field '%s' in metadata" % k)
    name = meta.get("name")
    if name is None and "generateName" not in meta:
        if need_name:
            report(path, "missing required field 'name'")
    elif name is not None and not isinstance(name, str):
        report(path + ("name",), "name must be a string (quote %s)" % _yaml_repr(name))
    elif name is not None:
        if name_rule == "label":
            err = dns_label_error(name)
        elif name_rule == "path":
            err = None if name not in (".", "..") and "/" not in name and "%" not in name \
                else "'%s' is not a valid name: it may not be '.', '..' or contain '/' or '%%'" % name
        else:
            err = dns_subdomain_error(name)
        if err:
            report(path + ("name",), err)
    ns = meta.get("namespace")
    if ns is not None:
        if not isinstance(ns, str) or dns_label_error(ns):
            report(path + ("namespace",), dns_label_error(str(ns)) or "namespace must be a string")
        elif namespaced is False:
            report(path + ("namespace",), "a cluster-scoped object has no namespace; remove it")
    if "labels" in meta and meta["labels"] is not None:
        _string_map(meta["labels"], path + ("labels",), report, "label", True)
    if "annotations" in meta and meta["annotations"] is not None:
        _string_map(meta["annotations"], path + ("annotations",), report, "annotation", False)
    fin = meta.get("finalizers")
    if fin is not None:
        if not isinstance(fin, list) or not all(isinstance(f, str) for f in fin):
            report(path + ("finalizers",), "finalizers must be a list of strings")
        else:
            for i, f in enumerate(fin):
                err = qualified_name_error(f)
                if err:
                    report(path + ("finalizers", i), err)
