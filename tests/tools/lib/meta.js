'use strict';
// ObjectMeta checks the API server makes on every object (apimachinery's
// ValidateObjectMeta): names, namespaces, label and annotation syntax.
// validate-crd (Python) has the same rules in lib/meta.py; keep them in step.

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function dnsSubdomainError(v) {
  if (v.length > 253 || !DNS_SUBDOMAIN.test(v))
    return `'${v}' is not a valid name: lowercase letters, digits, '-' and '.', ` +
      'starting and ending with a letter or digit, at most 253 characters';
  return null;
}

function dnsLabelError(v) {
  if (v.length > 63 || !DNS_LABEL.test(v))
    return `'${v}' is not a valid DNS label: lowercase letters, digits and '-', ` +
      'starting and ending with a letter or digit, at most 63 characters';
  return null;
}

function qualifiedNameError(key) {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (slash >= 0 && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)))
    return `key '${key}' has an invalid prefix '${prefix}' (must be a DNS subdomain)`;
  if (!name || name.length > 63 || !QUALIFIED_NAME.test(name))
    return `key '${key}' is not a qualified name: at most 63 letters, digits, '-', '_' ` +
      'or \'.\', starting and ending with a letter or digit';
  return null;
}

function isMap(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function stringMap(m, path, report, what, checkValue) {
  if (!isMap(m)) {
    report(path, `${what} must be a map of strings`);
    return;
  }
  for (const [k, v] of Object.entries(m)) {
    const err = qualifiedNameError(k);
    if (err) report([...path, k], err);
    // A value that is not a string is reported by the schema.
    if (typeof v === 'string' && checkValue && v && (v.length > 63 || !QUALIFIED_NAME.test(v))) {
      report([...path, k], `label value '${v}' is not valid: at most 63 letters, digits, ` +
        '\'-\', \'_\' or \'.\', starting and ending with a letter or digit');
    }
  }
}

// Reports problems of the ObjectMeta at path (unknown fields are left to
// the schema). namespaced: true/false when the scope is known; nameRule:
// 'subdomain', 'label' or 'path' (RBAC names may hold ':').
function checkObjectMeta(meta, path, report, { namespaced = null, nameRule = 'subdomain' } = {}) {
  if (meta === undefined || meta === null) {
    report(path, 'missing metadata (every object needs metadata.name)');
    return;
  }
  if (!isMap(meta)) return;  // the schema reports the type
  const name = meta.name;
  if (name === undefined && meta.generateName === undefined) {
    report(path, "missing required field 'name'");
  } else if (typeof name === 'string') {
    let err = null;
    if (nameRule === 'label') err = dnsLabelError(name);
    else if (nameRule === 'path') {
      if (name === '.' || name === '..' || /[/%]/.test(name))
        err = `'${name}' is not a valid name: it may not be '.', '..' or contain '/' or '%'`;
    } else err = dnsSubdomainError(name);
    if (err) report([...path, 'name'], err);
  }
  const ns = meta.namespace;
  if (typeof ns === 'string') {
    const err = dnsLabelError(ns);
    if (err) report([...path, 'namespace'], err);
    else if (namespaced === false)
      report([...path, 'namespace'], 'a cluster-scoped object has no namespace; remove it');
  }
  if (meta.labels !== undefined && meta.labels !== null)
    stringMap(meta.labels, [...path, 'labels'], report, 'label', true);
  if (meta.annotations !== undefined && meta.annotations !== null)
    stringMap(meta.annotations, [...path, 'annotations'], report, 'annotation', false);
}

module.exports = { checkObjectMeta, dnsLabelError, dnsSubdomainError, isMap };
