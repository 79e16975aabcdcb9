// Lists in pages (`limit` and `continue`, as client-go's pager and `kubectl get --chunk-size` use
// them). The continue token is upstream's: base64url of {"v":"meta.k8s.io/v1","rv":N,"start":KEY},
// KEY being the last key returned; the next page holds the objects after it.
import { badRequest } from './status';

/** More than this many objects in one answer is refused by capping: the client gets a continue token. */
export const MAX_LIST_LIMIT = 500;

const TOKEN_VERSION = 'meta.k8s.io/v1';

export interface ContinueToken {
  /** The resourceVersion (log position) of the first page. */
  rv: number;
  /** The last key returned: `namespace/name`, or `/name` for cluster-scoped objects. */
  start: string;
}

/** `limit` as ListOptions reads it: absent or not positive means everything; above the maximum, the maximum. */
export function parseLimit(raw: string | null): number | undefined {
  if (raw === null || raw === '') return undefined;
  if (!/^[+-]?\d+$/.test(raw)) throw badRequest(`limit: Invalid value: ${JSON.stringify(raw)}: strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`);
  const limit = Number(raw);
  if (!Number.isSafeInteger(limit)) throw badRequest(`limit: Invalid value: ${JSON.stringify(raw)}: strconv.ParseInt: parsing ${JSON.stringify(raw)}: value out of range`);
  if (limit <= 0) return undefined;
  return Math.min(limit, MAX_LIST_LIMIT);
}

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: TOKEN_VERSION, rv: token.rv, start: token.start })).toString('base64url');
}

const invalidToken = (why: string) => badRequest(`continue key is not valid: ${why}`);

/** storage.DecodeContinue: a 400 `continue key is not valid: …` for anything this server did not hand out. */
export function decodeContinue(raw: string): ContinueToken {
  const bad = /[^A-Za-z0-9_-]/.exec(raw.replace(/=+$/, ''));
  if (bad) throw invalidToken(`illegal base64 data at input byte ${bad.index}`);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch (error) {
    throw invalidToken((error as Error).message);
  }
  const { v, rv, start } = (decoded ?? {}) as { v?: unknown; rv?: unknown; start?: unknown };
  if (v !== TOKEN_VERSION) throw invalidToken(`incorrect encoded start resourceVersion (version ${TOKEN_VERSION})`);
  if (typeof rv !== 'number' || !Number.isSafeInteger(rv) || rv <= 0) throw invalidToken(`incorrect encoded start resourceVersion (version ${TOKEN_VERSION})`);
  if (typeof start !== 'string' || !start) throw invalidToken('encoded start key empty');
  if (!/^[^/]*\/[^/]+$/.test(start)) throw invalidToken(`start key ${JSON.stringify(start)} is not a namespace/name key`);
  return { rv, start };
}

export const keyOf = (object: { metadata: { namespace?: string; name?: string } }) => `${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`;

export interface Page<T> {
  items: T[];
  /** The token for the next page, when there is one. */
  continue?: string;
  remainingItemCount?: number;
}

/**
 * One page of `items` (sorted by `compare`): those after `start` (when continuing), at most `limit`.
 * `rv` goes into the token so that the next page can tell whether it is still answerable.
 */
export function page<T extends { metadata: { namespace?: string; name?: string } }>(
  items: readonly T[],
  opts: { limit?: number; start?: string; rv: number; compare: (a: T, b: T) => number },
): Page<T> {
  let rest = items;
  if (opts.start !== undefined) {
    const slash = opts.start.indexOf('/');
    const last = { metadata: { namespace: opts.start.slice(0, slash), name: opts.start.slice(slash + 1) } } as T;
    // Sorted: the page starts at the first item after `last` (binary search, not a pass over all).
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (opts.compare(items[mid], last) <= 0) lo = mid + 1;
      else hi = mid;
    }
    rest = items.slice(lo);
  }
  if (opts.limit === undefined || rest.length <= opts.limit) return { items: [...rest] };
  const taken = rest.slice(0, opts.limit);
  return {
    items: taken,
    continue: encodeContinue({ rv: opts.rv, start: keyOf(taken[taken.length - 1]) }),
    remainingItemCount: rest.length - taken.length,
  };
}
