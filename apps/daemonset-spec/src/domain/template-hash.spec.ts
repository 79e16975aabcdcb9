import type { PodTemplateSpec } from '@everynode/contracts';
import fc from 'fast-check';
import { liberator } from './fixtures/liberator.fixture';
import { templateHash } from './template-hash';

const HASH = /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/;

/** The same value with every object's keys in another order, chosen by `seed`. */
function reorder(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v, i) => reorder(v, seed + i));
  if (typeof value !== 'object' || value === null) return value;
  const keys = Object.keys(value);
  const shuffled = keys.map((k, i) => ({ k, r: Math.sin(seed * 7919 + i * 104729) })).sort((a, b) => a.r - b.r);
  return Object.fromEntries(shuffled.map(({ k }) => [k, reorder((value as Record<string, unknown>)[k], seed + 1)]));
}

/** Every leaf (scalar, empty object or empty array) as a path. */
function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [path];
  const children = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  if (children.length === 0) return [path];
  return children.flatMap(([k, v]) => leaves(v, [...path, k]));
}

function changed(leaf: unknown): unknown {
  if (typeof leaf === 'string') return `${leaf}x`;
  if (typeof leaf === 'number') return leaf === 0 ? 1 : -leaf;
  if (typeof leaf === 'boolean') return !leaf;
  return leaf === null ? 0 : null;
}

/** The liberator template with random JSON grafted in as annotations (nested objects and arrays). */
const template = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 5 }).map((extra) => {
  const t = liberator().spec.template;
  return { ...t, metadata: { ...t.metadata, annotations: { x: JSON.stringify(extra) } }, spec: { ...t.spec, extra } } as PodTemplateSpec;
});

describe('templateHash', () => {
  it('looks like upstream ComputeHash output and is stable', () => {
    const t = liberator().spec.template;
    expect(templateHash(t)).toMatch(HASH);
    expect(templateHash(t)).toBe(templateHash(liberator().spec.template));
  });

  it('changes with the image, and ignores everything outside the template', () => {
    const a = liberator();
    const b = liberator();
    b.spec.template.spec.containers[0].image = 'maho/liberator:0.2';
    expect(templateHash(b.spec.template)).not.toBe(templateHash(a.spec.template));
    b.spec.template.spec.containers[0].image = 'maho/liberator:0.1';
    b.spec.minReadySeconds = 30;
    b.metadata.labels = { tier: 'x' };
    expect(templateHash(b.spec.template)).toBe(templateHash(a.spec.template));
  });

  it('is invariant under key reordering', () => {
    fc.assert(
      fc.property(template, fc.integer(), (t, seed) => {
        expect(templateHash(reorder(t, seed) as PodTemplateSpec)).toBe(templateHash(t));
      }),
    );
  });

  it('changes when any leaf changes', () => {
    fc.assert(
      fc.property(template, fc.nat(), (t, pick) => {
        const all = leaves(t);
        const path = all[pick % all.length];
        const copy: any = structuredClone(t);
        let at = copy;
        for (const step of path.slice(0, -1)) at = at[step];
        at[path[path.length - 1]] = changed(at[path[path.length - 1]]);
        expect(templateHash(copy)).not.toBe(templateHash(t));
      }),
    );
  });
});
