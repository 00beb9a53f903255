#ifndef KCFG_TEMPLATES_H
#define KCFG_TEMPLATES_H

struct strbuf;

/*
 * The files `kcfg init` writes, as the playbook's "copy the template"
 * steps did: a commented inventory.ini, a commented cluster.yaml with
 * every key at its default, and a vault.yaml to fill in and encrypt.
 */

extern const char templates_inventory_ini[];
extern const char templates_vault_yaml[];

/*
 * cluster.yaml with each key's documentation as comments and its default
 * value, built from the settings schema (values written by the YAML
 * emitter). Keys whose default follows other keys are commented out.
 * Appends to `out`; returns 0, or -1 with `err`.
 */
int templates_cluster_yaml(struct strbuf *out, struct strbuf *err);

#endif
