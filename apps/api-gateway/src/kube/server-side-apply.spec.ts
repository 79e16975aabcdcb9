import { serverSideApply } from './server-side-apply';

const now = new Date('2025-03-01T12:00:00.250Z');
const manifest = () => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'liberator', namespace: 'tkr-system', labels: { app: 'liberator' } },
  spec: {
    selector: { matchLabels: { name: 'liberator' } },
    template: {
      metadata: { labels: { name: 'liberator' } },
      spec: { containers: [{ name: 'liberator', image: 'maho/liberator:0.1', resources: { requests: { cpu: '100m' } } }], tolerations: [{ operator: 'Exists' }] },
    },
  },
});

describe('serverSideApply', () => {
  it('creates the applied object when nothing is live, and records the manager', () => {
    const created = serverSideApply(undefined, manifest(), 'kubectl', { now });
    const expected = manifest() as ReturnType<typeof manifest> & { metadata: Record<string, unknown> };
    expected.metadata.managedFields = [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: '2025-03-01T12:00:00Z', fieldsType: 'FieldsV1' }];
    expect(created).toEqual(expected);
  });

  it('merges onto the live object: keyed lists by key, atomic lists replaced, server fields kept', () => {
    const live = {
      ...manifest(),
      metadata: { ...manifest().metadata, uid: 'u-1', resourceVersion: '7', generation: 1, labels: { app: 'liberator', team: 'x' } },
      status: { numberReady: 2 },
    };
    live.spec.template.spec.containers.push({ name: 'sidecar', image: 'busybox', resources: { requests: { cpu: '1m' } } });
    const applied = manifest();
    applied.spec.template.spec.containers[0].image = 'maho/liberator:0.2';
    applied.spec.template.spec.tolerations = [{ operator: 'Equal' }];

    const result = serverSideApply(live, applied, 'kubectl', { now }) as typeof live & { metadata: { managedFields: unknown[] } };

    expect(result.metadata).toMatchObject({ uid: 'u-1', resourceVersion: '7', generation: 1, labels: { app: 'liberator', team: 'x' } });
    expect(result.status).toEqual({ numberReady: 2 });
    expect(result.spec.template.spec.containers.map((c) => [c.name, c.image])).toEqual([['liberator', 'maho/liberator:0.2'], ['sidecar', 'busybox']]);
    expect(result.spec.template.spec.tolerations).toEqual([{ operator: 'Equal' }]);
  });

  it('replaces its own managedFields entry and keeps the others, ignoring any in the applied config', () => {
    const live = {
      ...manifest(),
      metadata: {
        ...manifest().metadata,
        managedFields: [
          { manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: '2024-01-01T00:00:00Z', fieldsType: 'FieldsV1' },
          { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'apps/v1', time: '2024-01-01T00:00:00Z', fieldsType: 'FieldsV1' },
        ],
      },
    };
    const applied = { ...manifest(), metadata: { ...manifest().metadata, managedFields: [{ manager: 'forged' }] } };
    const result = serverSideApply(live, applied, 'kubectl', { now }) as { metadata: { managedFields: { manager: string; time: string }[] } };
    expect(result.metadata.managedFields.map((f) => [f.manager, f.time])).toEqual([
      ['kubectl-client-side-apply', '2024-01-01T00:00:00Z'],
      ['kubectl', '2025-03-01T12:00:00Z'],
    ]);
  });

  it('does not modify its inputs', () => {
    const live = manifest();
    const applied = { ...manifest(), metadata: { ...manifest().metadata, managedFields: [] } };
    const before = JSON.stringify([live, applied]);
    serverSideApply(live, applied, 'kubectl', { now });
    expect(JSON.stringify([live, applied])).toBe(before);
  });
});
