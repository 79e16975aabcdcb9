import type { DaemonSetSpec } from '@everynode/contracts';
import { emptyCluster, evolve, reconcile } from '@everynode/reconciler';
import { node } from './fixtures';
import { Harness } from './harness';

const spec = (over: Partial<DaemonSetSpec> = {}): DaemonSetSpec => ({
  selector: { matchLabels: { app: 'd' } },
  template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
  ...over,
});

function withPod() {
  const log = new Harness();
  log.joinNode(node('n1', { labels: { zone: 'a' } }));
  log.applyDaemonSet('d', spec(), 'h1');
  log.step();
  return { log, pod: log.podsOf('default/d')[0] };
}

describe('nodes', () => {
  it('join, update, readiness, leave', () => {
    const log = new Harness();
    log.joinNode(node('n1', { labels: { zone: 'a' }, taints: [{ key: 'k', effect: 'NoSchedule' }] }));
    expect(log.state.nodes.get('n1')).toEqual({ name: 'n1', labels: { zone: 'a' }, taints: [{ key: 'k', effect: 'NoSchedule' }], unschedulable: false, ready: 'True' });
    log.record('NodeUpdated', { name: 'n1', labels: { zone: 'b' }, taints: [], unschedulable: true });
    log.record('NodeReadinessChanged', { name: 'n1', status: 'False', reason: 'LeaseExpired' });
    expect(log.state.nodes.get('n1')).toEqual({ name: 'n1', labels: { zone: 'b' }, taints: [], unschedulable: true, ready: 'False' });
    log.record('NodeLeft', { name: 'n1', reason: 'Deleted' });
    expect(log.state.nodes.size).toBe(0);
  });

  it('ignores updates of unknown nodes', () => {
    const log = new Harness();
    log.record('NodeUpdated', { name: 'x', labels: {}, taints: [], unschedulable: false });
    log.record('NodeReadinessChanged', { name: 'x', status: 'True', reason: '' });
    expect(log.state.nodes.size).toBe(0);
  });
});

describe('DaemonSets', () => {
  it('builds the view with apps/v1 defaults', () => {
    const log = new Harness();
    log.applyDaemonSet('d', spec(), 'h1');
    const view = log.state.daemonSets.get('default/d')!;
    expect(view).toMatchObject({ key: 'default/d', namespace: 'default', name: 'd', generation: 1, templateHash: 'h1' });
    expect(view.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(view.spec.minReadySeconds).toBe(0);
    expect(view.revisions).toEqual(new Map([['h1', 1]]));
  });

  it('keeps what was applied', () => {
    const log = new Harness();
    log.applyDaemonSet('d', spec({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '10%' } }, minReadySeconds: 5 }), 'h1');
    log.applyDaemonSet('e', spec({ updateStrategy: { type: 'OnDelete' } }), 'h1');
    expect(log.state.daemonSets.get('default/d')!.spec).toMatchObject({
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '10%' } },
      minReadySeconds: 5,
    });
    expect(log.state.daemonSets.get('default/e')!.spec.updateStrategy).toEqual({ type: 'OnDelete' });
  });

  it('an update bumps generation, records the revision, and forgets this DaemonSet’s backoff', () => {
    const log = new Harness();
    log.applyDaemonSet('d', spec(), 'h1');
    log.applyDaemonSet('e', spec(), 'h1');
    log.state.failures.set('default/d|n1', { count: 3, lastAt: log.now });
    log.state.failures.set('default/e|n1', { count: 3, lastAt: log.now });
    log.applyDaemonSet('d', spec({ minReadySeconds: 1 }), 'h2');
    expect(log.state.daemonSets.get('default/d')).toMatchObject({ generation: 2, templateHash: 'h2', revisions: new Map([['h1', 1], ['h2', 2]]) });
    expect([...log.state.failures.keys()]).toEqual(['default/e|n1']);
  });

  it('a delete removes the DaemonSet but not its pods; a stale delete (other uid) is ignored', () => {
    const { log, pod } = withPod();
    log.record('DaemonSetDeleted', { namespace: 'default', name: 'd', uid: 'someone-else', propagationPolicy: 'Background' });
    expect(log.state.daemonSets.has('default/d')).toBe(true);
    const uid = log.state.daemonSets.get('default/d')!.uid;
    log.record('DaemonSetDeleted', { namespace: 'default', name: 'd', uid, propagationPolicy: 'Orphan' });
    expect(log.state.daemonSets.has('default/d')).toBe(false);
    expect(log.state.pods.get(pod.key)!.daemonSet).toBe('default/d');
  });
});

describe('pods', () => {
  it('PodScheduled adds a Pending pod ordered by log position; a repeat is a no-op', () => {
    const { log, pod } = withPod();
    const scheduled = log.events.find((e) => e.type === 'PodScheduled')!;
    expect(pod).toMatchObject({ daemonSet: 'default/d', node: 'n1', templateHash: 'h1', generation: 1, phase: 'Pending', ready: false, readySince: null, scheduledAt: scheduled.position });
    evolve(log.state, { ...scheduled, position: 999, data: { ...(scheduled.data as object), node: 'other' } });
    expect(log.state.pods.get(pod.key)).toEqual(pod);
  });

  it('readySince is when the pod became Ready, kept while Ready, cleared when not', () => {
    const { log, pod } = withPod();
    const t1 = (log.now += 5000);
    log.podStatus(pod.key, 'Running', true);
    log.now += 5000;
    log.podStatus(pod.key, 'Running', true);
    expect(log.state.pods.get(pod.key)).toMatchObject({ phase: 'Running', ready: true, readySince: t1 });
    log.podStatus(pod.key, 'Running', false);
    expect(log.state.pods.get(pod.key)!.readySince).toBeNull();
  });

  it('PodRemoved Failed counts failures per slot; the count restarts after 30 idle minutes; repeats count once', () => {
    const { log, pod } = withPod();
    log.apply([{ kind: 'delete', pod: pod.key, daemonSet: 'default/d', node: 'n1', reason: 'Failed' }]);
    evolve(log.state, log.events[log.events.length - 1]); // redelivered: counts once
    expect(log.state.failures.get('default/d|n1')).toEqual({ count: 1, lastAt: log.now });
    expect(log.state.vacated.get('default/d|n1')).toBe('Replaced');
    log.now += 1000;
    log.step();
    log.now += 5000;
    log.apply([{ kind: 'delete', pod: log.podsOf('default/d')[0].key, daemonSet: 'default/d', node: 'n1', reason: 'Failed' }]);
    expect(log.state.failures.get('default/d|n1')).toEqual({ count: 2, lastAt: log.now });
    log.state.failures.set('default/d|n1', { count: 2, lastAt: log.now - 31 * 60_000 });
    log.step();
    log.apply([{ kind: 'delete', pod: log.podsOf('default/d')[0].key, daemonSet: 'default/d', node: 'n1', reason: 'Failed' }]);
    expect(log.state.failures.get('default/d|n1')!.count).toBe(1);
  });

  it('a new pod in the slot clears the vacated reason; a departed node clears its slots', () => {
    const { log } = withPod();
    log.apply([{ kind: 'delete', pod: log.podsOf('default/d')[0].key, daemonSet: 'default/d', node: 'n1', reason: 'Updated' }]);
    expect(log.state.vacated.get('default/d|n1')).toBe('Updated');
    log.step();
    expect(log.state.vacated.size).toBe(0);
    log.apply([{ kind: 'delete', pod: log.podsOf('default/d')[0].key, daemonSet: 'default/d', node: 'n1', reason: 'Failed' }]);
    log.record('NodeLeft', { name: 'n1', reason: 'LeaseExpired' });
    expect(log.state.failures.size + log.state.vacated.size).toBe(0);
  });

  it('PodOrphaned detaches the pod from its DaemonSet for good', () => {
    const { log, pod } = withPod();
    const uid = log.state.daemonSets.get('default/d')!.uid;
    log.record('DaemonSetDeleted', { namespace: 'default', name: 'd', uid, propagationPolicy: 'Orphan' });
    log.record('PodOrphaned', { pod: pod.name, namespace: 'default', daemonSet: 'd', node: 'n1' });
    expect(log.state.pods.get(pod.key)).toMatchObject({ daemonSet: null, daemonSetUid: undefined });
    expect(reconcile(log.state, { all: true }, log.now).actions).toEqual([]);
    log.applyDaemonSet('d', spec(), 'h1');
    expect(reconcile(log.state, { daemonSets: ['default/d'] }, log.now).actions).toMatchObject([{ kind: 'create', node: 'n1' }]);
  });

  it('ignores events for unknown pods and unknown event types', () => {
    const state = emptyCluster();
    const base = { eventId: 'x', metadata: { causationId: null, correlationId: 'c', actor: 't' }, stream: 's', streamVersion: 1, position: 1, recordedAt: new Date().toISOString(), hash: '', prevHash: '' };
    evolve(state, { ...base, type: 'PodStatusChanged', data: { pod: 'p', namespace: 'n', node: 'x', phase: 'Running', ready: true, restarts: 0 } });
    evolve(state, { ...base, type: 'PodRemoved', data: { pod: 'p', namespace: 'n', daemonSet: 'd', node: 'x', reason: 'Failed' } });
    evolve(state, { ...base, type: 'PodOrphaned', data: { pod: 'p', namespace: 'n', daemonSet: 'd', node: 'x' } });
    evolve(state, { ...base, type: 'SomethingNew', data: {} });
    expect(state).toEqual(emptyCluster());
  });
});
