import { accepts, parseAccept, wantsTable } from './accept';

describe('Accept negotiation', () => {
  it('parses media ranges and their parameters', () => {
    expect(parseAccept('application/json;as=Table;v=v1;g=meta.k8s.io, application/json ;q=0.9')).toEqual([
      { type: 'application/json', params: { as: 'Table', v: 'v1', g: 'meta.k8s.io' } },
      { type: 'application/json', params: { q: '0.9' } },
    ]);
    expect(parseAccept(undefined)).toEqual([]);
    expect(parseAccept('')).toEqual([]);
  });

  it('recognizes what kubectl get asks for', () => {
    expect(wantsTable('application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json')).toBe(true);
    expect(wantsTable('application/json')).toBe(false);
    expect(wantsTable('application/json;as=Table;v=v1beta1;g=meta.k8s.io')).toBe(false);
  });

  it('matches wildcards only when every parameter is present', () => {
    expect(accepts('*/*', 'application/json', {})).toBe(true);
    expect(accepts('application/*;as=Table', 'application/json', { as: 'Table' })).toBe(true);
    expect(accepts('*/*', 'application/json', { as: 'Table' })).toBe(false);
    expect(accepts('text/plain', 'application/json', {})).toBe(false);
  });
});
