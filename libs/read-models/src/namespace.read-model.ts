// Pure fold of one namespace stream.
import type { NamespaceCreated, NamespaceRecord, RecordedEvent } from '@everynode/contracts';

export interface NamespaceState {
  version: number;
  record: NamespaceRecord | null;
}

export function evolveNamespace(state: NamespaceState, event: RecordedEvent): NamespaceState {
  if (event.type === 'NamespaceCreated') {
    const d = event.data as NamespaceCreated;
    return {
      version: event.streamVersion,
      record: { name: d.name, uid: d.uid, labels: d.labels, phase: 'Active', createdAt: event.recordedAt, resourceVersion: String(event.position) },
    };
  }
  if (event.type === 'NamespaceDeleted') return { version: event.streamVersion, record: null };
  return { ...state, version: event.streamVersion };
}
