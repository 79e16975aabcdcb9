// Pure fold of one DaemonSet stream (the spec service's write-through, rebuilds, the gateway, the audit).
import type { DaemonSet, DaemonSetCreated, RecordedEvent } from '@everynode/contracts';

export interface StoredDaemonSet {
  object: DaemonSet;
  templateHash: string;
  revision: number;
  /** Every template this DaemonSet has run (its ControllerRevisions), newest revision number last. */
  revisions: { hash: string; revision: number }[];
  resourceVersion: string;
}

export interface DaemonSetState {
  version: number;
  record: StoredDaemonSet | null;
}

/** The object as clients see it: the stored spec plus its resourceVersion (a log position). */
export const presentDaemonSet = (record: StoredDaemonSet): DaemonSet => ({
  ...record.object,
  metadata: { ...record.object.metadata, resourceVersion: record.resourceVersion },
});

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
