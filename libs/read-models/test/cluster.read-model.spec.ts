import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@everynode/contracts';
import { ClusterReadModel } from '@everynode/read-models';

let position = 0;
const versions = new Map<string, number>();
function event(type: string, stream: string, data: object, recordedAt = '2026-11-29T00:00:00.000Z'): RecordedEvent {
  const v = (versions.get(stream) ?? 0) + 1;
  versions.set(stream, v);
  return { eventId: randomUUID(), type, stream, streamVersion: v, position: ++position, recordedAt, data, metadata: { causationId: null, correlationId: 'c', actor: 'test' }, hash: '', prevHash: '' };
}
const node = (name: string, labels: Record<string, string> = {}) =>
  event('NodeJoined', `node-${name}`, { name, uid: randomUUID(), labels, taints: [], unschedulable: false, podCIDR: '10.64.0.0/24', addresses: [], capacity: {}, nodeInfo: {}, ready: 'True' });
const liberator = (generation = 1, image = 'maho/liberator:0.1') => ({
  namespace: 'tkr-system',
  name: 'liberator',
  uid: 'ds-uid',
  generation,
  templateHash: image.endsWith('0.1') ? 'hash1' : 'hash2',
  revision: generation,
  object: {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'liberator', namespace: 'tkr-system', uid: 'ds-uid', generation, creationTimestamp: '2026-11-29T00:00:00Z' },
    spec: {
      selector: { matchLabels: { name: 'liberator' } },
      template: { metadata: { labels: { name: 'liberator' } }, spec: { containers: [{ name: 'liberator', image }] } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
    },
  },
});
const scheduled = (pod: string, nodeName: string) =>
  event('PodScheduled', `pod-tkr-system.${pod}`, { pod, namespace: 'tkr-system', uid: randomUUID(), daemonSet: 'liberator', daemonSetUid: 'ds-uid', node: nodeName, templateHash: 'hash1', generation: 1 });

describe('ClusterReadModel', () => {
  it('folds the log into what kubectl shows, reporting each change at its position', () => {
    const model = new ClusterReadModel();
    const changes = [node('k8s-node01'), node('k8s-node02'), event('DaemonSetCreated', 'daemonset-tkr-system.liberator', liberator())].flatMap((e) => model.apply(e));
    expect(changes.map((c) => `${c.type} ${c.resource} ${c.key}`)).toEqual([
      'ADDED nodes k8s-node01',
      'ADDED nodes k8s-node02',
      'ADDED daemonsets tkr-system/liberator',
    ]);
    model.flush(Date.now());
    expect(model.daemonSet('tkr-system/liberator')!.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 0 });

    model.apply(scheduled('liberator-aaaaa', 'k8s-node01'));
    model.apply(scheduled('liberator-bbbbb', 'k8s-node02'));
    const statusChanges = model.flush(Date.now());
    expect(statusChanges).toEqual([{ resource: 'daemonsets', key: 'tkr-system/liberator', type: 'MODIFIED', position: model.position }]);
    const ds = model.daemonSet('tkr-system/liberator')!;
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 0, updatedNumberScheduled: 2 });
    expect(ds.metadata.resourceVersion).toBe(String(model.position));

    const ready = model.apply(
      event('PodStatusChanged', 'pod-tkr-system.liberator-aaaaa', { pod: 'liberator-aaaaa', namespace: 'tkr-system', node: 'k8s-node01', phase: 'Running', ready: true, podIP: '10.64.0.2', restarts: 0 }),
    );
    expect(ready).toEqual([{ resource: 'pods', key: 'tkr-system/liberator-aaaaa', type: 'MODIFIED', position: model.position }]);
    expect(model.pods.get('tkr-system/liberator-aaaaa')).toMatchObject({ phase: 'Running', ready: true, podIP: '10.64.0.2' });
    model.flush(Date.now());
    expect(model.daemonSet('tkr-system/liberator')!.status).toMatchObject({ numberReady: 1, numberAvailable: 1 });

    // A status that does not change is not reported again.
    expect(model.flush(Date.now())).toEqual([]);
  });

  it('reports deletions, and forgets the status of a deleted DaemonSet', () => {
    const model = new ClusterReadModel();
    model.apply(node('n1'));
    model.apply(event('DaemonSetCreated', 'daemonset-tkr-system.liberator', liberator()));
    model.apply(scheduled('liberator-ccccc', 'n1'));
    model.flush(Date.now());
    const deleted = model.apply(event('DaemonSetDeleted', 'daemonset-tkr-system.liberator', { namespace: 'tkr-system', name: 'liberator', uid: 'ds-uid', propagationPolicy: 'Background' }));
    expect(deleted[0]).toMatchObject({ type: 'DELETED', resource: 'daemonsets' });
    expect(model.daemonSet('tkr-system/liberator')).toBeUndefined();
    const removed = model.apply(
      event('PodRemoved', 'pod-tkr-system.liberator-ccccc', { pod: 'liberator-ccccc', namespace: 'tkr-system', daemonSet: 'liberator', node: 'n1', reason: 'DaemonSetDeleted' }),
    );
    expect(removed[0]).toMatchObject({ type: 'DELETED', resource: 'pods' });
    expect(model.flush(Date.now())).toEqual([]);
    const left = model.apply(event('NodeLeft', 'node-n1', { name: 'n1', reason: 'Deleted' }));
    expect(left[0]).toMatchObject({ type: 'DELETED', resource: 'nodes', key: 'n1' });
  });

  it('ignores an event it has already folded', () => {
    const model = new ClusterReadModel();
    const e = node('n2');
    expect(model.apply(e)).toHaveLength(1);
    expect(model.apply(e)).toEqual([]);
  });
});
