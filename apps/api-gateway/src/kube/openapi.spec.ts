import { openApiV3Document, openApiV3Index } from './openapi';

type Operation = { parameters: { name: string; in: string }[]; requestBody?: unknown; 'x-kubernetes-group-version-kind': object };

describe('OpenAPI v3', () => {
  it('indexes api/v1 and apis/apps/v1 with hashed URLs', () => {
    const index = openApiV3Index();
    expect(Object.keys(index.paths)).toEqual(['api/v1', 'apis/apps/v1']);
    expect(index.paths['apis/apps/v1'].serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
    expect(openApiV3Index()).toEqual(index);
  });

  it('declares the DaemonSet PATCH with its kind and the fieldValidation query parameter, without a body schema', () => {
    const doc = openApiV3Document('apis/apps/v1')!;
    expect(doc.openapi).toBe('3.0.0');
    const path = (doc.paths as Record<string, { patch: Operation }>)['/apis/apps/v1/namespaces/{namespace}/daemonsets/{name}'];
    expect(path.patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'DaemonSet' });
    expect(path.patch.parameters).toContainEqual(expect.objectContaining({ name: 'fieldValidation', in: 'query' }));
    expect(path.patch.requestBody).toBeUndefined();
  });

  it('declares the core kinds at their object paths', () => {
    const doc = openApiV3Document('api/v1')!;
    const paths = doc.paths as Record<string, { patch: Operation }>;
    expect(Object.keys(paths)).toEqual(['/api/v1/namespaces/{name}', '/api/v1/nodes/{name}', '/api/v1/namespaces/{namespace}/pods/{name}']);
    expect(paths['/api/v1/nodes/{name}'].patch['x-kubernetes-group-version-kind']).toEqual({ group: '', version: 'v1', kind: 'Node' });
  });

  it('serves nothing for other group versions', () => {
    expect(openApiV3Document('apis/batch/v1')).toBeUndefined();
  });
});
