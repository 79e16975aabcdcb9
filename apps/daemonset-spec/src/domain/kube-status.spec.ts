import { KubeStatusError as SharedKubeStatusError } from '@everynode/contracts';
import { alreadyExists, badRequest, conflict, internal, invalid, KubeStatusError, notFound, unsupportedMediaType } from './kube-status';

describe('Kubernetes Status builders', () => {
  it('formats a single cause bare, as NewInvalid does', () => {
    const err = invalid('DaemonSet', 'liberator', 'apps', [{ field: 'spec.selector', message: 'Required value', reason: 'FieldValueRequired' }]);
    expect(err).toBeInstanceOf(SharedKubeStatusError);
    expect(err.status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'DaemonSet.apps "liberator" is invalid: spec.selector: Required value',
      reason: 'Invalid',
      details: {
        name: 'liberator',
        group: 'apps',
        kind: 'DaemonSet',
        causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' }],
      },
      code: 422,
    });
  });

  it('brackets several causes and drops repeated messages (causes stay complete)', () => {
    const cause = { field: 'spec.selector', message: 'Required value', reason: 'FieldValueRequired' };
    const labels = {
      field: 'spec.template.metadata.labels',
      message: 'Invalid value: map[string]string{"name":"liberator"}: `selector` does not match template `labels`',
      reason: 'FieldValueInvalid',
    };
    const err = invalid('DaemonSet', 'liberator', 'apps', [cause, labels, cause]);
    expect(err.status.message).toBe(
      'DaemonSet.apps "liberator" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"name":"liberator"}: `selector` does not match template `labels`]',
    );
    expect(err.status.details?.causes).toHaveLength(3);
  });

  it('says only "is invalid" without causes, and omits an empty group', () => {
    const err = invalid('Namespace', 'x', '', []);
    expect(err.status.message).toBe('Namespace "x" is invalid');
    expect(err.status.details).toEqual({ name: 'x', kind: 'Namespace', causes: [] });
  });

  it('builds the other statuses with upstream wording', () => {
    expect(notFound('daemonsets.apps', 'nope').status).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'daemonsets.apps "nope" not found',
      details: { name: 'nope', group: 'apps', kind: 'daemonsets' },
    });
    expect(alreadyExists('daemonsets.apps', 'liberator').status).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'daemonsets.apps "liberator" already exists' });
    expect(conflict('daemonsets.apps', 'liberator', 'the object has been modified').status).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on daemonsets.apps "liberator": the object has been modified',
    });
    expect(badRequest('nope').status).toMatchObject({ code: 400, reason: 'BadRequest', message: 'nope' });
    expect(unsupportedMediaType(['application/json']).status).toMatchObject({
      code: 415,
      reason: 'UnsupportedMediaType',
      message: 'the body of the request was in an unknown format - accepted media types include: application/json',
    });
    expect(internal('boom').status).toMatchObject({ code: 500, reason: 'InternalError', message: 'Internal error occurred: boom', details: { causes: [{ message: 'boom' }] } });
    expect(internal('boom')).toBeInstanceOf(KubeStatusError);
  });
});
