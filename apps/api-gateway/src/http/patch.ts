// PATCH bodies by Content-Type: JSON merge patch, strategic merge patch, JSON patch. (Server-side
// apply, `application/apply-patch+yaml`, needs the field manager and create-on-missing: see callers.)
import { badRequest } from '@everynode/contracts';
import { applyMergePatch, applyStrategicMergePatch, PATCH_TYPES, unsupportedMediaType } from '../kube';
import { applyJsonPatch } from './json-patch';
import { nameMismatch } from './kube-errors';
import { mediaType, parseJsonBody, parseYamlBody } from './raw-body';

export const APPLY_PATCH = 'application/apply-patch+yaml';

export function patchTypeOf(contentType: string | undefined): string {
  const type = mediaType(contentType);
  if (!PATCH_TYPES.includes(type)) throw unsupportedMediaType(PATCH_TYPES);
  return type;
}

/** `current` with the patch applied (inputs untouched); the result must still be an object. */
export function applyPatch(type: string, current: object, body: Buffer): Record<string, unknown> {
  const patch = parseJsonBody(body);
  let result: unknown;
  switch (type) {
    case 'application/merge-patch+json':
      result = applyMergePatch(current, patch);
      break;
    case 'application/strategic-merge-patch+json':
      result = applyStrategicMergePatch(current, patch);
      break;
    case 'application/json-patch+json':
      result = applyJsonPatch(current, patch);
      break;
    default:
      throw unsupportedMediaType(PATCH_TYPES);
  }
  if (result === null || typeof result !== 'object' || Array.isArray(result)) throw badRequest('the patched object is not a JSON object');
  return result as Record<string, unknown>;
}

export const resourceVersionOf = (object: Record<string, unknown>) =>
  ((object.metadata as { resourceVersion?: unknown } | undefined)?.resourceVersion as string | undefined) || undefined;

/**
 * Whether a patch names a resourceVersion itself (a precondition: a conflict is the client's to
 * handle) or not (the server retries on a conflict): its result on the object without one tells.
 */
export function patchNamesVersion(patch: (base: object) => Record<string, unknown>, current: { metadata: object }): boolean {
  const { resourceVersion: _ignored, ...metadata } = current.metadata as { resourceVersion?: unknown };
  try {
    return resourceVersionOf(patch({ ...current, metadata })) !== undefined;
  } catch {
    return true; // e.g. a JSON patch that tests the resourceVersion
  }
}

/** The body of a server-side apply (`application/apply-patch+yaml`): an object, for this name. */
export function appliedConfiguration(body: Buffer, name: string): object {
  const applied = parseYamlBody(body);
  if (applied === null || typeof applied !== 'object' || Array.isArray(applied)) throw badRequest('the applied configuration must be an object');
  const appliedName = (applied as { metadata?: { name?: unknown } }).metadata?.name;
  if (appliedName !== undefined && appliedName !== name) throw nameMismatch(appliedName, name);
  return applied;
}
