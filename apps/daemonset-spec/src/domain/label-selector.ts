// metav1.LabelSelector as k8s.io/apimachinery evaluates and prints it (LabelSelectorAsSelector,
// labels.Selector.String, FormatLabelSelector).
import type { LabelSelector, Labels } from '@everynode/contracts';
import { isQualifiedName, isValidLabelValue } from './k8s-names';

type Op = '=' | 'in' | 'notin' | 'exists' | '!';
interface Requirement {
  key: string;
  op: Op;
  values: string[];
}

const OPERATORS: Record<string, Op> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/** labels.NewRequirement's checks: a qualified key, valid values, and as many values as the operator takes. */
function requirement(key: unknown, op: Op | undefined, values: unknown): Requirement | null {
  if (!op || typeof key !== 'string' || isQualifiedName(key).length) return null;
  const vals = values ?? [];
  if (!Array.isArray(vals) || !vals.every((v) => typeof v === 'string' && isValidLabelValue(v).length === 0)) return null;
  const wantsValues = op === '=' || op === 'in' || op === 'notin';
  if (wantsValues ? vals.length === 0 : vals.length > 0) return null;
  return { key, op, values: vals };
}

/**
 * LabelSelectorAsSelector: null for a selector upstream refuses (bad operator, key or value, In/NotIn
 * without values, values on Exists). An absent selector selects nothing; an empty one everything.
 */
function requirementsOf(selector: LabelSelector): Requirement[] | null {
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    const r = requirement(key, '=', [value]);
    if (!r) return null;
    reqs.push(r);
  }
  for (const expr of selector.matchExpressions ?? []) {
    if (typeof expr !== 'object' || expr === null) return null;
    const r = requirement(expr.key, Object.hasOwn(OPERATORS, expr.operator) ? OPERATORS[expr.operator] : undefined, expr.values);
    if (!r) return null;
    reqs.push(r);
  }
  return reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const matches = (r: Requirement, labels: Labels): boolean => {
  const has = Object.hasOwn(labels, r.key);
  switch (r.op) {
    case '=':
      return has && labels[r.key] === r.values[0];
    case 'in':
      return has && r.values.includes(labels[r.key]);
    case 'notin':
      return !has || !r.values.includes(labels[r.key]);
    case 'exists':
      return has;
    case '!':
      return !has;
  }
};

/** Whether `labels` satisfy the selector; an absent or invalid selector matches nothing. */
export function selectorMatches(selector: LabelSelector | null | undefined, labels: Labels | null | undefined): boolean {
  if (!selector) return false;
  const reqs = requirementsOf(selector);
  return reqs !== null && reqs.every((r) => matches(r, labels ?? {}));
}

/** True when LabelSelectorAsSelector accepts the selector (the template-labels check runs only then). */
export const isSelectorUsable = (selector: LabelSelector): boolean => requirementsOf(selector) !== null;

const formatRequirement = (r: Requirement): string => {
  const values = r.values.length === 1 ? r.values[0] : [...r.values].sort().join(',');
  switch (r.op) {
    case '=':
      return `${r.key}=${values}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.op} (${values})`;
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
  }
};

/** FormatLabelSelector: `name=liberator,tier in (a,b)`, `<none>` when it selects everything or nothing. */
export function formatSelector(selector: LabelSelector | null | undefined): string {
  if (!selector) return '<none>';
  const reqs = requirementsOf(selector);
  if (reqs === null) return '<error>';
  return reqs.length ? reqs.map(formatRequirement).join(',') : '<none>';
}

/** labels.FormatLabels: `k=v` sorted by key, comma-joined, `<none>` when empty (the NODE SELECTOR column). */
export function formatLabels(labels: Labels | null | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${labels![k]}`).join(',') : '<none>';
}
