// Label and node selectors with the semantics of k8s.io/apimachinery labels and
// k8s.io/component-helpers nodeaffinity.
import type {
  Affinity,
  LabelSelector,
  Labels,
  NodeSelectorRequirement,
  NodeSelectorTerm,
} from '@everynode/contracts';

/** metav1.LabelSelector: matchLabels and matchExpressions ANDed; an empty selector matches everything. */
export function labelSelectorMatches(selector: LabelSelector, labels: Labels): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const r of selector.matchExpressions ?? []) {
    if (!requirementMatches(r, labels[r.key])) return false;
  }
  return true;
}

/** pod.spec.nodeSelector: every entry must equal the node's label. */
export function matchesNodeSelector(nodeSelector: Labels | undefined, labels: Labels): boolean {
  if (!nodeSelector) return true;
  for (const k in nodeSelector) if (labels[k] !== nodeSelector[k]) return false;
  return true;
}

/**
 * requiredDuringSchedulingIgnoredDuringExecution: terms are ORed, a term's requirements ANDed.
 * A term that is empty or invalid matches nothing (upstream skips it), so zero terms match no node.
 */
export function matchesRequiredNodeAffinity(affinity: Affinity | undefined, node: { name: string; labels: Labels }): boolean {
  const required = affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((term) => termMatches(term, node));
}

function termMatches(term: NodeSelectorTerm, node: { name: string; labels: Labels }): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  for (const r of exprs) if (!requirementMatches(r, node.labels[r.key])) return false;
  for (const f of fields) {
    // The only field a node selector may name; In and NotIn its only operators.
    if (f.key !== 'metadata.name' || (f.operator !== 'In' && f.operator !== 'NotIn')) return false;
    if (!requirementMatches(f, node.name)) return false;
  }
  return true;
}

/** One requirement against a label value (undefined = label absent). */
function requirementMatches(r: Pick<NodeSelectorRequirement, 'operator' | 'values'>, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      // Both sides must parse as int64, exactly one value; anything else does not match.
      if (value === undefined || values.length !== 1) return false;
      const have = parseInt64(value);
      const want = parseInt64(values[0]);
      if (have === null || want === null) return false;
      return r.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64). */
function parseInt64(s: string): bigint | null {
  if (!/^[+-]?\d+$/.test(s)) return null;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? null : n;
}
