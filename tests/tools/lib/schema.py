"""A strict validator for OpenAPI v3 (CRD) and JSON Schema (draft-07) schemas.

Validator(strict=True) follows the Kubernetes API server's rules for a
structural CRD schema, except that it reports what the server would
silently prune: a field the schema does not declare is an error unless
x-kubernetes-preserve-unknown-fields allows it, and so is a null in a field
that is not nullable. Validator(strict=False) is plain JSON Schema, where
undeclared properties are allowed (Helm's values.schema.json).

Checked: type (integer is not number, a boolean is neither),
x-kubernetes-int-or-string, nullable, enum, const, pattern, format (int32,
int64, date-time, byte, ipv4, ipv6, cidr, uri), minLength/maxLength,
minimum/maximum (and exclusive), multipleOf, minItems/maxItems,
uniqueItems, minProperties/maxProperties, required, properties,
additionalProperties, patternProperties, items, allOf/anyOf/oneOf/not,
$ref to #/definitions, x-kubernetes-embedded-resource,
x-kubernetes-list-type set/map with x-kubernetes-list-map-keys.
Not evaluated: x-kubernetes-validations (CEL rules; the ones in our CRDs
are transition rules, which only apply to updates).

Errors are reported as (path tuple, message) through a callback.
"""

import base64
import difflib
import ipaddress
import json
import re

from meta import check_object_meta

INT32 = (-(2 ** 31), 2 ** 31 - 1)
INT64 = (-(2 ** 63), 2 ** 63 - 1)
_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def type_name(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return type(v).__name__


def _is_type(v, t):
    n = type_name(v)
    return n == t or (t == "number" and n == "integer")


def _short(v):
    s = json.dumps(v, default=str)
    return s if len(s) <= 60 else s[:57] + "..."


def _check_format(v, fmt):
    """An error message, or None when v is valid for fmt (unknown formats pass)."""
    if fmt in ("int32", "int64") and isinstance(v, int) and not isinstance(v, bool):
        lo, hi = INT32 if fmt == "int32" else INT64
        if not lo <= v <= hi:
            return "%d is out of range for %s" % (v, fmt)
    if not isinstance(v, str):
        return None
    try:
        if fmt == "date-time" and not _DATE_TIME.match(v):
            return "'%s' is not an RFC 3339 date-time" % v
        if fmt == "byte":
            base64.b64decode(v, validate=True)
        if fmt == "ipv4":
            ipaddress.IPv4Address(v)
        if fmt == "ipv6":
            ipaddress.IPv6Address(v)
        if fmt == "cidr":
            ipaddress.ip_network(v, strict=False)
        if fmt == "uri" and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", v):
            return "'%s' is not a URI" % v
    except ValueError:
        return "'%s' is not a valid %s" % (v, fmt)
    return None


class Validator:
    def __init__(self, root, strict=True):
        self.root = root
        self.strict = strict

    def validate(self, value, report, path=()):
        """Validates value against the root schema; report(path, msg) per error."""
        self._v(value, self.root, path, report, branch=False)

    def _resolve(self, s):
        seen = 0
        while isinstance(s, dict) and "$ref" in s:
            ref = s["$ref"]
            if not ref.startswith("#/") or seen > 32:
                raise ValueError("unsupported $ref '%s'" % ref)
            s = self.root
            for part in ref[2:].split("/"):
                s = s[part]
            seen += 1
        return s

    def _v(self, v, s, path, report, branch):
        s = self._resolve(s)
        if s is True or s == {}:
            return
        if s is False:
            report(path, "no value is allowed here")
            return
        if v is None:
            self._null(s, path, report)
            return
        if not self._type_ok(v, s, path, report):
            return
        if "enum" in s and v not in s["enum"]:
            report(path, "%s is not one of %s" % (_short(v), ", ".join(_short(e) for e in s["enum"])))
        if "const" in s and v != s["const"]:
            report(path, "%s must be %s" % (_short(v), _short(s["const"])))
        if isinstance(v, str):
            self._string(v, s, path, report)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            self._number(v, s, path, report)
        elif isinstance(v, list):
            self._array(v, s, path, report, branch)
        elif isinstance(v, dict):
            self._object(v, s, path, report, branch)
        self._combinators(v, s, path, report)

    def _null(self, s, path, report):
        t = s.get("type")
        if s.get("nullable") or t == "null" or (isinstance(t, list) and "null" in t):
            return
        if t is None and not self.strict:
            return
        if any(self._accepts(None, b) for b in s.get("anyOf", []) + s.get("oneOf", [])):
            return
        if self.strict:
            report(path, "null is not allowed (the field is not nullable; "
                         "the API server would drop it)")
        else:
            report(path, "null is not allowed, expected %s" % (t or "a value"))

    def _type_ok(self, v, s, path, report):
        if s.get("x-kubernetes-int-or-string"):
            if type_name(v) in ("integer", "string"):
                return True
            report(path, "expected an integer or a string, got %s %s" % (type_name(v), _short(v)))
            return False
        t = s.get("type")
        if t is None:
            return True
        types = t if isinstance(t, list) else [t]
        if any(_is_type(v, x) for x in types):
            return True
        report(path, "expected %s, got %s %s" % (" or ".join(types), type_name(v), _short(v)))
        return False

    def _string(self, v, s, path, report):
        if "minLength" in s and len(v) < s["minLength"]:
            report(path, "'%s' is shorter than %d characters" % (v, s["minLength"]))
        if "maxLength" in s and len(v) > s["maxLength"]:
            report(path, "'%s' is longer than %d characters"
                   % (v if len(v) <= 60 else v[:57] + "...", s["maxLength"]))
        if "pattern" in s and not re.search(s["pattern"], v):
            report(path, "'%s' does not match the pattern '%s'" % (v, s["pattern"]))
        if "format" in s:
            msg = _check_format(v, s["format"])
            if msg:
                report(path, msg)

    def _number(self, v, s, path, report):
        if "minimum" in s:
            excl = s.get("exclusiveMinimum") is True
            if v < s["minimum"] or (excl and v == s["minimum"]):
                report(path, "%s is less than the minimum %s%s" % (v, s["minimum"], " (exclusive)" if excl else ""))
        if "maximum" in s:
            excl = s.get("exclusiveMaximum") is True
            if v > s["maximum"] or (excl and v == s["maximum"]):
                report(path, "%s is more than the maximum %s%s" % (v, s["maximum"], " (exclusive)" if excl else ""))
        for key, op in (("exclusiveMinimum", lambda a, b: a <= b), ("exclusiveMaximum", lambda a, b: a >= b)):
            lim = s.get(key)
            if isinstance(lim, (int, float)) and not isinstance(lim, bool) and op(v, lim):
                report(path, "%s must be %s than %s" % (v, "more" if key.endswith("Minimum") else "less", lim))
        m = s.get("multipleOf")
        if m and (v / m) != int(v / m):
            report(path, "%s is not a multiple of %s" % (v, m))
        if "format" in s:
            msg = _check_format(v, s["format"])
            if msg:
                report(path, msg)

    def _array(self, v, s, path, report, branch):
        if "minItems" in s and len(v) < s["minItems"]:
            report(path, "has %d items, needs at least %d" % (len(v), s["minItems"]))
        if "maxItems" in s and len(v) > s["maxItems"]:
            report(path, "has %d items, allows at most %d" % (len(v), s["maxItems"]))
        items = s.get("items")
        if isinstance(items, dict):
            for i, item in enumerate(v):
                self._v(item, items, path + (i,), report, branch)
        lt = s.get("x-kubernetes-list-type")
        if s.get("uniqueItems") or lt == "set":
            seen = []
            for i, item in enumerate(v):
                if item in seen:
                    report(path + (i,), "duplicate item %s in a set" % _short(item))
                seen.append(item)
        if lt == "map":
            keys = s.get("x-kubernetes-list-map-keys", [])
            seen = {}
            for i, item in enumerate(v):
                if not isinstance(item, dict):
                    continue
                k = tuple(json.dumps(item.get(x), sort_keys=True) for x in keys)
                if k in seen:
                    report(path + (i,), "duplicate entry for %s (item %d has the same)" % (
                        ", ".join("%s=%s" % (x, _short(item.get(x))) for x in keys), seen[k]))
                seen.setdefault(k, i)

    def _object(self, v, s, path, report, branch):
        for k in v:
            if not isinstance(k, str):
                report(path + (str(k),), "key %s is not a string (quote it)" % _short(k))
        if "minProperties" in s and len(v) < s["minProperties"]:
            report(path, "has %d fields, needs at least %d" % (len(v), s["minProperties"]))
        if "maxProperties" in s and len(v) > s["maxProperties"]:
            report(path, "has %d fields, allows at most %d" % (len(v), s["maxProperties"]))
        for r in s.get("required", []):
            if r not in v:
                report(path, "missing required field '%s'" % r)
        embedded = s.get("x-kubernetes-embedded-resource")
        if embedded:
            for r in ("apiVersion", "kind"):
                if r not in v:
                    report(path, "missing required field '%s' (an embedded resource)" % r)
        props = s.get("properties", {})
        pattern_props = s.get("patternProperties", {})
        addl = s.get("additionalProperties")
        preserve = s.get("x-kubernetes-preserve-unknown-fields") is True
        for k, item in v.items():
            sub = path + (k,)
            if k in props:
                if embedded and k == "metadata" and props[k].get("type") == "object" \
                        and "properties" not in props[k]:
                    check_object_meta(item, sub, report, need_name=False)
                self._v(item, props[k], sub, report, branch)
                continue
            if embedded and k in ("apiVersion", "kind", "metadata"):
                if k == "metadata":
                    check_object_meta(item, sub, report, need_name=False)
                elif not isinstance(item, str):
                    report(sub, "expected string, got %s %s" % (type_name(item), _short(item)))
                continue
            matched = [ps for pat, ps in pattern_props.items() if re.search(pat, str(k))]
            for ps in matched:
                self._v(item, ps, sub, report, branch)
            if matched:
                continue
            if isinstance(addl, dict):
                self._v(item, addl, sub, report, branch)
            elif addl is True or preserve:
                continue
            elif addl is False:
                report(sub, "unknown field '%s'" % k)
            elif self.strict and not branch and (props or s.get("type") == "object"):
                report(sub, "unknown field '%s'%s" % (k, _did_you_mean(k, props)))

    def _accepts(self, v, s):
        errs = []
        self._v(v, s, (), lambda p, m: errs.append(m), branch=True)
        return not errs

    def _combinators(self, v, s, path, report):
        for sub in s.get("allOf", []):
            self._v(v, sub, path, report, branch=True)
        if "anyOf" in s and not any(self._accepts(v, b) for b in s["anyOf"]):
            report(path, "%s matches none of the allowed forms (anyOf)" % _short(v))
        if "oneOf" in s:
            n = sum(1 for b in s["oneOf"] if self._accepts(v, b))
            if n != 1:
                report(path, "%s matches %d of the forms, exactly one is allowed (oneOf)" % (_short(v), n))
        if "not" in s and self._accepts(v, s["not"]):
            report(path, "%s matches a form that is not allowed (not)" % _short(v))


def _did_you_mean(key, props):
    close = difflib.get_close_matches(key, list(props), n=1, cutoff=0.75)
    if not close:
        low = {p.lower(): p for p in props}
        if key.lower() in low:
            close = [low[key.lower()]]
    return " (did you mean '%s'?)" % close[0] if close else ""
