// PostgreSQL's text and jsonb cannot hold U+0000: a NUL anywhere in a command would fail its query or
// its append (a 500), so it is refused up front as the client's error. Kubernetes itself stores NULs;
// no real manifest has one.
import { badRequest } from './kube-status';

/** Where the first NUL is (`metadata.annotations[a]`, or `key …` for a map key), or undefined. Iterative. */
export function nulPath(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return path || '<root>';
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push([item, `${path}[${i}]`]));
    } else if (v && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        if (k.includes('\u0000')) return `key ${JSON.stringify(k)} in ${path || '<root>'}`;
        stack.push([item, path ? `${path}.${k}` : k]);
      }
    }
  }
  return undefined;
}

export function refuseNul(value: unknown): void {
  const at = nulPath(value);
  if (at !== undefined) throw badRequest(`the object contains a NUL character (\\u0000) at ${at}, which cannot be stored`);
}
