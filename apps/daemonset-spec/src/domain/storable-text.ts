// PostgreSQL's text and jsonb hold neither U+0000 nor an unpaired UTF-16 surrogate (which JSON can
// carry as `\ud800`): either one anywhere in a command fails its query or its append (a 500), so it is
// refused up front as the client's error. Kubernetes itself stores them; no real manifest has one.
import { badRequest } from './kube-status';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const problemIn = (text: string) =>
  text.includes('\u0000') ? 'a NUL character (\\u0000)' : LONE_SURROGATE.test(text) ? 'an unpaired UTF-16 surrogate' : undefined;

/** The first text that cannot be stored: what it is and where (`spec.args[1]`, `key "…" in metadata.labels`). Iterative. */
export function unstorableText(value: unknown): { what: string; at: string } | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const what = problemIn(v);
      if (what) return { what, at: path || '<root>' };
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push([item, `${path}[${i}]`]));
    } else if (v && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        const what = problemIn(k);
        if (what) return { what, at: `key ${JSON.stringify(k)} in ${path || '<root>'}` };
        stack.push([item, path ? `${path}.${k}` : k]);
      }
    }
  }
  return undefined;
}

export function refuseUnstorableText(value: unknown): void {
  const found = unstorableText(value);
  if (found) throw badRequest(`the object contains ${found.what} at ${found.at}, which cannot be stored`);
}
