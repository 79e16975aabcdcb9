// The query parameters of list, get and watch requests (metav1.ListOptions / GetOptions), validated.
import { badRequest } from '@everynode/contracts';
import { type FieldRequirement, type IncludeObject, parseFieldSelector, parseLabelSelector, type Requirement, type SelectableKind } from '../kube';
import { type ContinueToken, decodeContinue, parseLimit } from '../kube/list-pages';

export interface ListOptions {
  labelSelector: Requirement[];
  fieldSelector: FieldRequirement[];
  watch: boolean;
  /** Absent, '' and '0' all mean "any": start a watch with the current state. */
  resourceVersion?: string;
  timeoutSeconds?: number;
  allowWatchBookmarks: boolean;
  includeObject: IncludeObject;
  /** At most this many objects (capped at MAX_LIST_LIMIT); undefined: all of them. */
  limit?: number;
  /** Where the previous page ended. */
  continue?: ContinueToken;
}

export const queryOf = (url: string) => new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');

const bool = (v: string | null) => v === 'true' || v === '1';

export function parseListOptions(query: URLSearchParams, kind: SelectableKind, watchPath = false): ListOptions {
  const include = query.get('includeObject') ?? 'Metadata';
  if (!['None', 'Metadata', 'Object'].includes(include)) throw badRequest(`includeObject: Unsupported value: "${include}": supported values: "None", "Metadata", "Object"`);
  const timeout = query.get('timeoutSeconds');
  let timeoutSeconds: number | undefined;
  if (timeout !== null && timeout !== '') {
    timeoutSeconds = Number(timeout);
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 0) throw badRequest(`timeoutSeconds: Invalid value: "${timeout}": must be a non-negative integer`);
  }
  const rv = query.get('resourceVersion') ?? undefined;
  if (rv && !/^\d+$/.test(rv)) throw badRequest(`resourceVersion: Invalid value: "${rv}": must be a log position (a non-negative integer)`);
  const token = query.get('continue') || undefined;
  const continued = token === undefined ? undefined : decodeContinue(token);
  if (continued && rv && rv !== '0') throw badRequest('specifying resource version is not allowed when using continue');
  return {
    labelSelector: parseLabelSelector(query.get('labelSelector') ?? ''),
    fieldSelector: parseFieldSelector(query.get('fieldSelector') ?? '', kind),
    watch: watchPath || bool(query.get('watch')),
    resourceVersion: rv,
    timeoutSeconds,
    allowWatchBookmarks: bool(query.get('allowWatchBookmarks')),
    includeObject: include as IncludeObject,
    limit: parseLimit(query.get('limit')),
    continue: continued,
  };
}
