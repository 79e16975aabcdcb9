import { statusThrownBy } from '@everynode/contracts';
import type { RecordedEvent } from '@everynode/contracts';
import { decideJoin, decideLeave, decideReadiness, decideUpdate, NodeState } from './node.decider';
import { evolveNode, initialNodeState } from '@everynode/read-models';

let ids = 0;
const ctx = { newId: () => `id-${++ids}`, podCIDR: '10.64.0.0/24' };
const meta = { actor: 'admin', requestId: 'req-1', request: 'test' };

/** Folds decided events as the log would record them. */
function commit(state: NodeState, events: { eventId: string; type: string; data: unknown; metadata: never }[]): NodeState {
  return events.reduce(
    (s, e, i) =>
      evolveNode(s, {
        ...e,
        stream: 'node-x',
        streamVersion: s.version + 1,
        position: 100 + i,
        recordedAt: '2026-11-29T00:00:00.000Z',
        hash: '',
        prevHash: '',
      } as RecordedEvent),
    state,
  );
}


describe('node decider', () => {
  const joined = () => commit(initialNodeState(), decideJoin(initialNodeState(), { meta, name: 'k8s-node01', labels: { zone: 'a' } }, ctx) as never);

  it('a new node joins with the well-known labels, a pod CIDR, Ready, caused by the request', () => {
    const [event] = decideJoin(initialNodeState(), { meta, name: 'k8s-node01', labels: { zone: 'a' } }, ctx);
    expect(event.type).toBe('NodeJoined');
    expect(event.data).toMatchObject({
      name: 'k8s-node01',
      labels: { 'kubernetes.io/hostname': 'k8s-node01', zone: 'a' },
      podCIDR: '10.64.0.0/24',
      ready: 'True',
      unschedulable: false,
    });
    expect(event.metadata).toMatchObject({ causationId: 'req-1', correlationId: 'req-1', actor: 'admin' });
  });

  it('registering an existing node again records nothing', () => {
    expect(decideJoin(joined(), { meta, name: 'k8s-node01' }, ctx)).toEqual([]);
  });

  it.each(['K8s-Node', '-bad', 'a_b', '', 'x'.repeat(254)])('refuses the node name %j', (name) => {
    expect(statusThrownBy(() => decideJoin(initialNodeState(), { meta, name }, ctx))).toMatchObject({ code: 400, reason: 'BadRequest' });
  });

  it('refuses a taint without a valid effect', () => {
    const taints = [{ key: 'k', effect: 'Sometimes' }] as never;
    expect(statusThrownBy(() => decideJoin(initialNodeState(), { meta, name: 'n1', taints }, ctx))).toMatchObject({ code: 400 });
  });

  it('an update that changes nothing records nothing; a relabel records NodeUpdated', () => {
    const state = joined();
    expect(decideUpdate(state, { meta, name: 'k8s-node01', labels: { ...state.node!.labels } }, ctx)).toEqual([]);
    const [e] = decideUpdate(state, { meta, name: 'k8s-node01', labels: { color: 'blue' } }, ctx);
    expect(e).toMatchObject({ type: 'NodeUpdated', data: { labels: { color: 'blue' }, unschedulable: false } });
    const cordoned = commit(state, decideUpdate(state, { meta, name: 'k8s-node01', unschedulable: true }, ctx) as never);
    expect(cordoned.node).toMatchObject({ unschedulable: true, labels: state.node!.labels });
  });

  it('updating a missing node is NotFound; a stale resourceVersion is a Conflict', () => {
    expect(statusThrownBy(() => decideUpdate(initialNodeState(), { meta, name: 'ghost', labels: {} }, ctx))).toMatchObject({
      code: 404,
      message: 'nodes "ghost" not found',
    });
    expect(statusThrownBy(() => decideUpdate(joined(), { meta, name: 'k8s-node01', labels: {}, resourceVersion: '1' }, ctx))).toMatchObject({
      code: 409,
      reason: 'Conflict',
    });
  });

  it('a node leaves once; then it is gone and may join again on the same stream', () => {
    const state = joined();
    const left = commit(state, decideLeave(state, 'k8s-node01', 'Deleted', meta as never, ctx) as never);
    expect(left).toEqual({ version: 2, node: null });
    expect(statusThrownBy(() => decideLeave(left, 'k8s-node01', 'Deleted', meta as never, ctx))).toMatchObject({ code: 404 });
    const again = commit(left, decideJoin(left, { meta, name: 'k8s-node01' }, ctx) as never);
    expect(again.version).toBe(3);
    expect(again.node?.name).toBe('k8s-node01');
  });

  it('readiness is recorded only when it changes', () => {
    const state = joined();
    expect(decideReadiness(state, 'True', 'KubeletReady', meta as never, ctx)).toEqual([]);
    const unknown = commit(state, decideReadiness(state, 'Unknown', 'NodeStatusUnknown', meta as never, ctx) as never);
    expect(unknown.node).toMatchObject({ ready: 'Unknown', readyReason: 'NodeStatusUnknown' });
    expect(decideReadiness(initialNodeState(), 'Unknown', 'x', meta as never, ctx)).toEqual([]);
  });
});
