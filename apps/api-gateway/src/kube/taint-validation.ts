// A node's spec.taints checked as the API server checks them (validateNodeTaints): the key is a
// label name, the value a label value, the effect one of three, and a (key, effect) pair only once.
import { badRequest, type Taint } from '@everynode/contracts';
import { labelValueErrors, qualifiedNameErrors } from './label-validation';

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export interface FieldCause {
  field: string;
  message: string;
}

const goTaint = (t: Taint) => `core.Taint{Key:${JSON.stringify(t.key)}, Value:${JSON.stringify(t.value ?? '')}, Effect:${JSON.stringify(t.effect)}, TimeAdded:<nil>}`;

/**
 * The taints as Go would decode them (known fields only, a null or empty value left out); throws a 400 for
 * a shape Go could not decode. Returns them with the validation causes (empty when valid).
 */
export function taintErrors(taints: unknown, path = 'spec.taints'): { taints: Taint[]; causes: FieldCause[] } {
  if (taints === undefined || taints === null) return { taints: [], causes: [] };
  if (!Array.isArray(taints)) throw badRequest(`json: cannot unmarshal ${typeof taints} into Go struct field NodeSpec.${path} of type []v1.Taint`);
  const causes: FieldCause[] = [];
  const decoded: Taint[] = [];
  const seen = new Set<string>();
  taints.forEach((taint: unknown, i) => {
    if (taint === null || typeof taint !== 'object' || Array.isArray(taint)) throw badRequest(`json: cannot unmarshal ${Array.isArray(taint) ? 'array' : typeof taint} into Go struct field NodeSpec.${path} of type v1.Taint`);
    const fields: Record<string, string> = {};
    for (const field of ['key', 'value', 'effect', 'timeAdded']) {
      const v = (taint as Record<string, unknown>)[field];
      if (v !== undefined && v !== null && typeof v !== 'string') throw badRequest(`json: cannot unmarshal ${typeof v} into Go struct field Taint.${path}.${field} of type string`);
      if (v) fields[field] = v as string; // Go's zero value is left out (omitempty), as is every unknown field
    }
    const t = { key: '', effect: '', ...fields } as unknown as Taint;
    decoded.push(t);
    const at = `${path}[${i}]`;
    for (const e of qualifiedNameErrors(t.key)) causes.push({ field: `${at}.key`, message: `Invalid value: ${JSON.stringify(t.key)}: ${e}` });
    const valueErrors = labelValueErrors(t.value ?? '');
    if (valueErrors.length) causes.push({ field: `${at}.value`, message: `Invalid value: ${JSON.stringify(t.value)}: ${valueErrors.join(';')}` });
    if (!t.effect) causes.push({ field: `${at}.effect`, message: 'Required value' });
    else if (!EFFECTS.includes(t.effect)) {
      causes.push({ field: `${at}.effect`, message: `Unsupported value: ${JSON.stringify(t.effect)}: supported values: ${EFFECTS.map((e) => JSON.stringify(e)).join(', ')}` });
    }
    const pair = JSON.stringify([t.key, t.effect]);
    if (seen.has(pair)) causes.push({ field: at, message: `Duplicate value: ${goTaint(t)}: taints must be unique by key and effect pair` });
    seen.add(pair);
  });
  return { taints: decoded, causes };
}
