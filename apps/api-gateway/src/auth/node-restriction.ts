// NodeRestriction admission for node writes whose target is in the body: a node token may register and
// change only its own Node, may not change its taints (it could shed a NoSchedule/NoExecute taint and draw
// pods that were kept away), nor set or change `node-restriction.kubernetes.io/` labels (which workloads
// use to pick trusted nodes). Other callers pass through.
import type { Taint } from '@everynode/contracts';
import { admissionForbidden } from './node-authorizer';
import { Refusal } from './refusal';

const RESTRICTED_LABEL_PREFIX = 'node-restriction.kubernetes.io/';

export interface NodeFields {
  labels: Record<string, string>;
  taints: Taint[];
}

const taintKey = (t: Taint) => JSON.stringify([t.key, t.value ?? '', t.effect]);
const sameTaints = (a: Taint[], b: Taint[]) => JSON.stringify(a.map(taintKey).sort()) === JSON.stringify(b.map(taintKey).sort());

const restricted = (key: string) => key.startsWith(RESTRICTED_LABEL_PREFIX);

/**
 * null when `node` (the caller's node; undefined for users) may write `next` as Node `name`, whose
 * current fields are `current` (undefined: it is being created).
 */
export function admitNodeWrite(node: string | undefined, name: string, current: NodeFields | undefined, next: NodeFields): Refusal | null {
  if (node === undefined) return null;
  const refuse = (message: string) => new Refusal('node_restriction', admissionForbidden('nodes', name, message));
  if (name !== node) return refuse(`node "${node}" is not allowed to modify node "${name}"`);
  if (!current) {
    const set = Object.keys(next.labels).filter(restricted).sort();
    return set.length ? refuse(`node "${node}" is not allowed to set the following labels: ${set.join(', ')}`) : null;
  }
  if (!sameTaints(current.taints, next.taints)) return refuse(`node "${node}" is not allowed to modify taints`);
  const keys = new Set([...Object.keys(current.labels), ...Object.keys(next.labels)]);
  const changed = [...keys].filter((k) => restricted(k) && current.labels[k] !== next.labels[k]).sort();
  return changed.length ? refuse(`is not allowed to modify labels: ${changed.join(', ')}`) : null;
}
