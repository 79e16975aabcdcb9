import { badRequest, forbidden, isKubeStatus, methodNotAllowed, notFound, strictDecoding, unauthorized, unsupportedMediaType, PATCH_TYPES } from './status';

describe('status builders', () => {
  it('re-exports the shared builders', () => {
    expect(notFound('daemonsets.apps', 'nope').status.message).toBe('daemonsets.apps "nope" not found');
    expect(badRequest('x').status.code).toBe(400);
  });

  it('401 Unauthorized', () => {
    expect(unauthorized().status).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  });

  it('403 for a namespaced resource, in the authorizer\'s words', () => {
    const status = forbidden({ user: 'viewer', verb: 'create', resource: 'daemonsets', group: 'apps', namespace: 'default' }).status;
    expect(status).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403,
      message: 'daemonsets.apps is forbidden: User "viewer" cannot create resource "daemonsets" in API group "apps" in the namespace "default"',
      details: { group: 'apps', kind: 'daemonsets' },
    });
    expect(isKubeStatus(status)).toBe(true);
  });

  it('403 for a named cluster-scoped core resource and a subresource', () => {
    expect(forbidden({ user: 'viewer', verb: 'delete', resource: 'nodes', group: '', name: 'k8s-node01' }).status).toMatchObject({
      message: 'nodes "k8s-node01" is forbidden: User "viewer" cannot delete resource "nodes" in API group "" at the cluster scope',
      details: { name: 'k8s-node01', kind: 'nodes' },
    });
    expect(forbidden({ user: 'u', verb: 'patch', resource: 'daemonsets', subresource: 'status', group: 'apps', namespace: 'ns', name: 'ds' }, 'no RBAC policy matched').status.message)
      .toBe('daemonsets.apps "ds" is forbidden: User "u" cannot patch resource "daemonsets/status" in API group "apps" in the namespace "ns": no RBAC policy matched');
  });

  it('403 for a non-resource path', () => {
    expect(forbidden({ user: 'system:anonymous', verb: 'get', path: '/apis' }).status.message).toBe('forbidden: User "system:anonymous" cannot get path "/apis"');
  });

  it('405, 415 and strict decoding', () => {
    expect(methodNotAllowed('create', 'pods').status).toMatchObject({ code: 405, reason: 'MethodNotAllowed', message: 'create is not supported on resources of kind "pods"' });
    expect(unsupportedMediaType().status).toMatchObject({
      code: 415, reason: 'UnsupportedMediaType',
      message: 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    });
    expect(unsupportedMediaType(PATCH_TYPES).status.message).toContain('application/strategic-merge-patch+json');
    expect(strictDecoding(['spec.foo', 'spec.template.spec.bar']).status).toMatchObject({
      code: 400, reason: 'BadRequest', message: 'strict decoding error: unknown field "spec.foo", unknown field "spec.template.spec.bar"',
    });
  });
});
