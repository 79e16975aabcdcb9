import { describeRequest, requestInfo } from './request-info';

describe('requestInfo (as the API server reads a path)', () => {
  it.each([
    ['GET', '/api/v1/nodes', { verb: 'list', group: '', resource: 'nodes' }],
    ['GET', '/api/v1/nodes/k8s-node01', { verb: 'get', resource: 'nodes', name: 'k8s-node01' }],
    ['PATCH', '/api/v1/nodes/k8s-node01', { verb: 'patch', resource: 'nodes', name: 'k8s-node01' }],
    ['GET', '/api/v1/namespaces', { verb: 'list', resource: 'namespaces' }],
    ['GET', '/api/v1/namespaces/tkr-system', { verb: 'get', resource: 'namespaces', name: 'tkr-system', namespace: 'tkr-system' }],
    ['GET', '/api/v1/namespaces/tkr-system/status', { verb: 'get', resource: 'namespaces', name: 'tkr-system', subresource: 'status' }],
    ['GET', '/api/v1/namespaces/tkr-system/pods', { verb: 'list', resource: 'pods', namespace: 'tkr-system' }],
    ['GET', '/api/v1/namespaces/tkr-system/pods?watch=true&resourceVersion=5', { verb: 'watch', resource: 'pods' }],
    ['GET', '/api/v1/watch/namespaces/tkr-system/pods', { verb: 'watch', resource: 'pods', namespace: 'tkr-system' }],
    ['GET', '/apis/apps/v1/daemonsets', { verb: 'list', group: 'apps', version: 'v1', resource: 'daemonsets' }],
    ['POST', '/apis/apps/v1/namespaces/ns/daemonsets', { verb: 'create', group: 'apps', namespace: 'ns', resource: 'daemonsets' }],
    ['PUT', '/apis/apps/v1/namespaces/ns/daemonsets/ds/status', { verb: 'update', name: 'ds', subresource: 'status' }],
    ['DELETE', '/apis/apps/v1/namespaces/ns/daemonsets/ds', { verb: 'delete', name: 'ds' }],
    ['DELETE', '/apis/apps/v1/namespaces/ns/daemonsets?labelSelector=a%3Db', { verb: 'deletecollection', resource: 'daemonsets' }],
    ['GET', '/api/v1/namespaces/a%20b/pods', { namespace: 'a b' }],
  ])('%s %s', (method, url, expected) => {
    expect(requestInfo(method, url)).toMatchObject({ isResourceRequest: true, ...expected });
  });

  it.each([['/api'], ['/api/v1'], ['/apis'], ['/apis/apps'], ['/apis/apps/v1'], ['/version'], ['/openapi/v3'], ['/healthz']])('%s is not a resource request', (url) => {
    expect(requestInfo('GET', url)).toEqual({ isResourceRequest: false, verb: 'get', group: '', version: '' });
  });

  it('does not take watch=false or watchy parameters for a watch', () => {
    expect(requestInfo('GET', '/api/v1/pods?watch=false').verb).toBe('list');
    expect(requestInfo('GET', '/api/v1/pods?watcher=true').verb).toBe('list');
    expect(requestInfo('GET', '/api/v1/pods?x=1&watch=1').verb).toBe('watch');
  });

  it('describes a request for the audit trail without its query', () => {
    expect(describeRequest('patch', '/api/v1/nodes/n1?fieldManager=kubectl-label')).toBe('PATCH /api/v1/nodes/n1');
  });
});
