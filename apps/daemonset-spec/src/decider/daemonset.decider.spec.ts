import { statusThrownBy } from '@everynode/contracts';
import type { DaemonSet, NewEvent, RecordedEvent } from '@everynode/contracts';
import { liberator } from '../domain/fixtures/liberator.fixture';
import { checkApply, decideApply, decideDelete, DaemonSetState, MAX_OBJECT_BYTES } from './daemonset.decider';
import { evolveDaemonSet, initialDaemonSetState } from '@everynode/read-models';

let n = 0;
const ctx = { newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, now: () => '2026-11-29T00:00:00Z' };
const meta = { actor: 'admin', requestId: 'req-1' };
let position = 0;

function commit(state: DaemonSetState, events: NewEvent[]): DaemonSetState {
  return events.reduce(
    (s, e) =>
      evolveDaemonSet(s, { ...e, stream: 'daemonset-tkr-system.liberator', streamVersion: s.version + 1, position: ++position, recordedAt: '', hash: '', prevHash: '' } as RecordedEvent),
    state,
  );
}
const apply = (state: DaemonSetState, manifest: DaemonSet, mode: 'create' | 'update' | 'apply' = 'apply') =>
  decideApply(state, { meta, manifest, mode }, ctx);
const withImage = (image: string) => {
  const ds = liberator();
  ds.spec.template.spec.containers[0].image = image;
  return ds;
};

describe('DaemonSet decider', () => {
  const created = () => commit(initialDaemonSetState(), apply(initialDaemonSetState(), liberator()));

  it('creates generation 1, revision 1, with defaults and the spec as applied', () => {
    const [e] = apply(initialDaemonSetState(), liberator());
    expect(e.type).toBe('DaemonSetCreated');
    expect(e.data).toMatchObject({ namespace: 'tkr-system', name: 'liberator', generation: 1, revision: 1 });
    const spec = e.data.object.spec;
    expect(spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(spec.template.spec.containers[0].resources).toEqual({ limits: { memory: '200Mi' }, requests: { cpu: '100m', memory: '200Mi' } });
    expect(e.data.object.metadata).toMatchObject({ uid: expect.any(String), generation: 1, creationTimestamp: '2026-11-29T00:00:00Z' });
    expect(e.data.templateHash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
  });

  it('re-applying the same manifest decides nothing', () => {
    expect(apply(created(), liberator())).toEqual([]);
  });

  it('create on an existing DaemonSet is AlreadyExists; update of a missing one is NotFound', () => {
    expect(statusThrownBy(() => apply(created(), liberator(), 'create'))).toMatchObject({ code: 409, reason: 'AlreadyExists' });
    expect(statusThrownBy(() => apply(initialDaemonSetState(), liberator(), 'update'))).toMatchObject({ code: 404 });
  });

  it('a template change bumps generation and revision and changes the hash', () => {
    const v1 = created();
    const [e] = apply(v1, withImage('maho/liberator:0.2'));
    expect(e.type).toBe('DaemonSetUpdated');
    expect(e.data).toMatchObject({ generation: 2, revision: 2, uid: v1.record!.object.metadata.uid });
    expect(e.data.templateHash).not.toBe(v1.record!.templateHash);
  });

  it('rolling back to an earlier template reuses its hash', () => {
    const v1 = created();
    const v2 = commit(v1, apply(v1, withImage('maho/liberator:0.2')));
    const [back] = apply(v2, liberator());
    expect(back.data.templateHash).toBe(v1.record!.templateHash);
    expect(back.data.generation).toBe(3);
    expect(back.data.revision).toBe(3);
  });

  it('a label-only change keeps the generation', () => {
    const ds = liberator();
    ds.metadata.labels = { team: 'ha' };
    const [e] = apply(created(), ds);
    expect(e.data.generation).toBe(1);
  });

  it('an update that read an older spec is a Conflict; one that read at or after the last change is not', () => {
    const v1 = created();
    const rv = Number(v1.record!.resourceVersion);
    const input = (resourceVersion: string) => ({ meta, manifest: withImage('maho/liberator:0.3'), mode: 'update' as const, resourceVersion });
    expect(statusThrownBy(() => decideApply(v1, input(String(rv - 1)), ctx))).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(statusThrownBy(() => decideApply(v1, input('not-a-number'), ctx))).toMatchObject({ code: 409 });
    expect(decideApply(v1, input(String(rv)), ctx)).toHaveLength(1);
    expect(decideApply(v1, input(String(rv + 7)), ctx)).toHaveLength(1); // read later, after a status change
  });

  it('the selector is immutable', () => {
    const ds = liberator();
    ds.spec.selector = { matchLabels: { name: 'liberator', tier: 'x' } };
    ds.spec.template.metadata!.labels = { name: 'liberator', tier: 'x' };
    const s = statusThrownBy(() => apply(created(), ds));
    expect(s).toMatchObject({ code: 422 });
    expect(s.details!.causes!.map((c) => c.field)).toContain('spec.selector');
  });

  it('an invalid manifest is refused before anything is decided', () => {
    const ds = liberator();
    ds.spec.template.spec.containers = [];
    expect(statusThrownBy(() => apply(initialDaemonSetState(), ds))).toMatchObject({ code: 422, reason: 'Invalid' });
  });

  // An event larger than a NATS message would stop the relay: the object's size is bounded.
  it('refuses an object too large to store whole in one event (413), on create and on update', () => {
    const huge = (ds: DaemonSet) => {
      ds.spec.template.spec.containers[0].args = Array.from({ length: 8 }, () => 'x'.repeat(100 * 1024));
      return ds;
    };
    for (const state of [initialDaemonSetState(), created()]) {
      expect(statusThrownBy(() => apply(state, huge(liberator())))).toMatchObject({
        code: 413,
        reason: 'RequestEntityTooLarge',
        message: expect.stringMatching(new RegExp(`^Request entity too large: the DaemonSet is \\d+ bytes, the limit is ${MAX_OBJECT_BYTES}$`)),
      });
    }
  });

  // Found by the API fuzzer: these reached the store's queries before validation, and a NUL failed them (500).
  it('checkApply refuses, without any stored state, what can never be stored: an invalid namespace or name, a NUL', () => {
    expect(statusThrownBy(() => checkApply({ manifest: { ...liberator(), metadata: { name: 'liberator' } }, namespace: '\u0000' }))).toMatchObject({
      code: 422,
      details: { causes: [expect.objectContaining({ field: 'metadata.namespace' })] },
    });
    const nul = liberator();
    nul.spec.template.spec.containers[0].args = ['\u0000'];
    expect(statusThrownBy(() => checkApply({ manifest: nul })).code).toBe(400);
    expect(() => checkApply({ manifest: liberator() })).not.toThrow();
  });

  it('delete records the propagation policy (Background by default); a missing one is NotFound', () => {
    const [e] = decideDelete(created(), { meta, namespace: 'tkr-system', name: 'liberator' }, ctx);
    expect(e).toMatchObject({ type: 'DaemonSetDeleted', data: { propagationPolicy: 'Background' } });
    const gone = commit(created(), [e]);
    expect(gone.record).toBeNull();
    expect(statusThrownBy(() => decideDelete(gone, { meta, namespace: 'tkr-system', name: 'liberator' }, ctx))).toMatchObject({ code: 404 });
    expect(statusThrownBy(() => decideDelete(created(), { meta, namespace: 'tkr-system', name: 'liberator', propagationPolicy: 'Later' as never }, ctx))).toMatchObject({ code: 400 });
  });
});
