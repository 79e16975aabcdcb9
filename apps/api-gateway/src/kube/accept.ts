// Accept header negotiation: kubectl asks for Tables and aggregated discovery through media type parameters.

export interface MediaRange {
  type: string;
  params: Record<string, string>;
}

/** `application/json;as=Table;v=v1;g=meta.k8s.io, application/json` as a list of media ranges. */
export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [];
  return header.split(',').map((range) => {
    const [type, ...params] = range.split(';').map((part) => part.trim());
    const parsed: Record<string, string> = {};
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq > 0) parsed[param.slice(0, eq).trim().toLowerCase()] = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    }
    return { type: type.toLowerCase(), params: parsed };
  }).filter((range) => range.type !== '');
}

/** True when some range of `header` is `type` (or a wildcard) with all of `params`. */
export function accepts(header: string | undefined, type: string, params: Record<string, string>): boolean {
  const [major] = type.split('/');
  return parseAccept(header).some((range) =>
    (range.type === type || range.type === `${major}/*` || range.type === '*/*') &&
    Object.entries(params).every(([key, value]) => range.params[key] === value));
}

/** `kubectl get` asks for a server-side printed Table. */
export const wantsTable = (accept: string | undefined) => accepts(accept, 'application/json', { as: 'Table', v: 'v1', g: 'meta.k8s.io' });
