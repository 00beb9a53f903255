"""Checks of a KubeletConfiguration (k0s worker profile values).

The schema (schemas/kubelet/kubeletconfiguration-v1beta1.json) catches
unknown and mistyped fields, which the kubelet would only log. On top of
it, the rule the kubelet enforces at start-up for the Static memory
manager: the memory reserved over all NUMA nodes must equal kubeReserved +
systemReserved + the hard eviction threshold for memory.available, or the
kubelet does not start.
"""

import json
import os
import re

from schema import Validator

_QTY = re.compile(r"^([+-]?[0-9.]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$")
_BINARY = {"Ki": 2 ** 10, "Mi": 2 ** 20, "Gi": 2 ** 30, "Ti": 2 ** 40, "Pi": 2 ** 50, "Ei": 2 ** 60}
_DECIMAL = {"n": 1e-9, "u": 1e-6, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
            "P": 1e15, "E": 1e18}
DEFAULT_EVICTION_MEMORY = 100 * 2 ** 20  # the kubelet's default memory.available


def quantity(v):
    """A Kubernetes quantity ("550Mi", "1G", 1024) as a number, or None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return v
    m = _QTY.match(str(v).strip())
    if not m:
        return None
    num, suffix = float(m.group(1)), m.group(2) or ""
    if suffix in _BINARY:
        return num * _BINARY[suffix]
    if suffix in _DECIMAL:
        return num * _DECIMAL[suffix]
    if suffix[:1] in ("e", "E"):
        return num * 10 ** int(suffix[1:])
    return num


def _mi(n):
    return "%gMi" % (n / 2 ** 20)


class KubeletChecker:
    def __init__(self, schema_dir):
        path = os.path.join(schema_dir, "kubelet", "kubeletconfiguration-v1beta1.json")
        self.validator = None  # a schema directory without it checks no profiles
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                self.validator = Validator(json.load(f), strict=True)

    def check(self, values, report, path):
        """Reports (path, message) for the profile values at path."""
        if self.validator is None:
            return
        self.validator.validate(values, report, path)
        if isinstance(values, dict) and values.get("memoryManagerPolicy") == "Static":
            self._reserved_memory(values, report, path)

    def _reserved_memory(self, v, report, path):
        def mem(m):
            return quantity((m or {}).get("memory", 0)) if isinstance(m, dict) else 0
        eviction = v.get("evictionHard")
        if not isinstance(eviction, dict):
            evict = DEFAULT_EVICTION_MEMORY
        elif "memory.available" in eviction:
            evict = quantity(eviction["memory.available"])
        else:
            evict = DEFAULT_EVICTION_MEMORY if v.get("mergeDefaultEvictionSettings") else 0
        kube, system = mem(v.get("kubeReserved")), mem(v.get("systemReserved"))
        if None in (evict, kube, system):
            return  # a percentage or an unreadable quantity: nothing to add up
        want = kube + system + evict
        items = v.get("reservedMemory")
        if not isinstance(items, list) or not items:
            if want:
                report(path, "memoryManagerPolicy Static needs reservedMemory: %s over the "
                       "NUMA nodes (kubeReserved + systemReserved + evictionHard "
                       "memory.available), or the kubelet does not start" % _mi(want))
            return
        got = 0
        for it in items:
            q = quantity(((it or {}).get("limits") or {}).get("memory", 0)) if isinstance(it, dict) else None
            if q is None:
                return
            got += q
        if abs(got - want) > 0.5:
            report(path + ("reservedMemory",),
                   "reservedMemory adds up to %s but kubeReserved + systemReserved + evictionHard "
                   "memory.available is %s (%s + %s + %s): the kubelet refuses to start with the "
                   "Static memory manager" % (_mi(got), _mi(want), _mi(kube), _mi(system), _mi(evict)))
