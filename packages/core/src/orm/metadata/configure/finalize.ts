import type { ColumnProperty, EntityMetadata, InheritanceMetadata, LifecycleEvent, PropertyMetadata } from '../entity-metadata';
import type { ConfigureContext, EntityDraft } from './drafts';
import { inheritanceOf } from './inheritance';

/** Phase 7: complete and freeze each draft's metadata object. */
export function finalize(ctx: ConfigureContext): Map<Function, EntityMetadata> {
  const inheritance = new Map<EntityDraft, InheritanceMetadata>();
  for (const d of ctx.drafts.values()) if (d.root === d) for (const [k, v] of inheritanceOf(d)) inheritance.set(k, v);
  const out = new Map<Function, EntityMetadata>();
  for (const d of ctx.drafts.values()) {
    const m = d.meta;
    const relations = [...d.relations.values()].map((r) => r.prop);
    const properties = new Map<string, PropertyMetadata>();
    for (const c of m.columns) properties.set(c.name, c);
    for (const r of relations) properties.set(r.name, r);
    m.properties = properties;
    m.relations = Object.freeze(relations);
    m.columns = Object.freeze([...m.columns]);
    m.primaryKey = Object.freeze([...(m.primaryKey ?? [])]);
    m.hooks = new Map<LifecycleEvent, readonly string[]>([...d.hooks].map(([event, methods]) => [event, Object.freeze([...methods])]));
    const inh = inheritance.get(d);
    if (inh) m.inheritance = inh;
    out.set(d.cls, m);
  }
  for (const m of out.values()) {
    for (const c of m.columns) Object.freeze(c as ColumnProperty);
    for (const r of m.relations) {
      Object.freeze(r.joinColumns);
      Object.freeze(r);
    }
    Object.freeze(m);
  }
  return out;
}
