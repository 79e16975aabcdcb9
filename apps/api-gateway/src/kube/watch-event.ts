// Watch streams are newline-delimited JSON events (`kubectl get -w`, `rollout status`).

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T = unknown> {
  type: WatchEventType;
  object: T;
}

/** One line of a watch stream: `{"type":"ADDED","object":{...}}\n`. */
export function watchEventLine(type: WatchEventType, object: unknown): string {
  return `${JSON.stringify({ type, object })}\n`;
}

/**
 * A BOOKMARK line: the resource version a watch has reached, on an object carrying nothing but that
 * version (as the API server sends it to `allowWatchBookmarks` watchers). Pass the watched type so
 * typed clients can decode it; without it the object is metadata only.
 */
export function bookmark(
  resourceVersion: string,
  typeMeta: { apiVersion: string; kind: string } = { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata' },
): string {
  return watchEventLine('BOOKMARK', { kind: typeMeta.kind, apiVersion: typeMeta.apiVersion, metadata: { resourceVersion } });
}
