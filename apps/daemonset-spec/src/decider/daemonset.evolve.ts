// Pure fold of one DaemonSet stream (live write-through and rebuild use the same function).
import type { DaemonSetCreated, RecordedEvent } from '@everynode/contracts';
import type { DaemonSetState } from './daemonset.decider';

export const initialDaemonSetState = (): DaemonSetState => ({ version: 0, record: null });

export function evolveDaemonSet(state: DaemonSetState, event: RecordedEvent): DaemonSetState {
  const version = event.streamVersion;
  switch (event.type) {
    case 'DaemonSetCreated':
    case 'DaemonSetUpdated': {
      const d = event.data as DaemonSetCreated;
      const earlier = event.type === 'DaemonSetCreated' ? [] : (state.record?.revisions ?? []);
      const revisions = [...earlier.filter((r) => r.hash !== d.templateHash), { hash: d.templateHash, revision: d.revision }];
      return {
        version,
        record: { object: d.object, templateHash: d.templateHash, revision: d.revision, revisions, resourceVersion: String(event.position) },
      };
    }
    case 'DaemonSetDeleted':
      return { version, record: null };
    default:
      return { ...state, version };
  }
}

/** Every DaemonSet stream folded from scratch, keyed `namespace/name`: what the projection must equal. */
export function foldDaemonSets(events: Iterable<RecordedEvent>): Map<string, DaemonSetState> {
  const all = new Map<string, DaemonSetState>();
  for (const event of events) {
    if (!event.stream.startsWith('daemonset-')) continue;
    const { namespace, name } = event.data as { namespace: string; name: string };
    const key = `${namespace}/${name}`;
    all.set(key, evolveDaemonSet(all.get(key) ?? initialDaemonSetState(), event));
  }
  return all;
}
