// Watches: the matching objects as ADDED and a BOOKMARK, then every change from the read model. With a
// resource_version the watch resumes instead: the log is folded up to it (the audit's replay) and the
// events after it are replayed one by one, so the client sees each change with the object as it was
// then — no watch cache to fall out of, no 410 Gone.
import { foldCluster, readLog } from '@everynode/audit';
import type { Change, ClusterReadModel, Resource } from '@everynode/read-models';
import { aborted, type StreamContext } from './call-handlers';
import type { GrpcDeps } from './grpc-deps';
import { invalidArgument } from './grpc-errors';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEventMessage {
  type: WatchEventType;
  object: unknown;
  resourceVersion: string;
}

/** One kind of object a watch follows, and the client's filter on it. */
export interface WatchSource<T> {
  resource: Resource;
  keys(model: ClusterReadModel): Iterable<string>;
  get(model: ClusterReadModel, key: string): T | undefined;
  matches(object: T): boolean;
  /** Its resourceVersion: an unchanged version means nothing to tell. */
  version(object: T): string;
  message(object: T): unknown;
}

/** A resource_version as a log position; empty means "no resume". */
export function parseResourceVersion(rv: string, field = 'resource_version'): number | null {
  if (rv === '') return null;
  if (!/^\d+$/.test(rv)) throw invalidArgument(`${field} "${rv}" is not a resourceVersion (a log position, e.g. "42")`, field);
  return Number(rv);
}

export async function runWatch<T>(deps: GrpcDeps, source: WatchSource<T>, resourceVersion: string, ctx: StreamContext<WatchEventMessage>): Promise<void> {
  const from = parseResourceVersion(resourceVersion);
  if (from !== null) {
    const head = await deps.store.headPosition();
    if (from > head) throw invalidArgument(`resource_version ${from} is newer than the event log (head ${head})`, 'resource_version');
  }
  /** What the client holds: every matching object as last sent. */
  const known = new Map<string, T>();
  const event = (type: WatchEventType, object: T | null, position: number): WatchEventMessage => ({
    type,
    object: object === null ? null : source.message(object),
    resourceVersion: String(position),
  });
  const diff = (model: ClusterReadModel, changes: Change[]): WatchEventMessage[] => {
    const out: WatchEventMessage[] = [];
    for (const change of changes) {
      if (change.resource !== source.resource) continue;
      const now = source.get(model, change.key);
      const before = known.get(change.key);
      if (now && source.matches(now)) {
        if (before && source.version(before) === source.version(now)) continue;
        known.set(change.key, now);
        out.push(event(before ? 'MODIFIED' : 'ADDED', now, change.position));
      } else if (before) {
        // Gone, or no longer matching the filter: the client forgets it either way.
        known.delete(change.key);
        out.push(event('DELETED', now ?? before, change.position));
      }
    }
    return out;
  };

  // Subscribe and read the model in one tick: the model cannot move between the two.
  let buffered: Change[] | null = [];
  const unsubscribe = deps.view.onChanges((changes) => {
    if (buffered) buffered.push(...changes);
    else for (const message of diff(deps.view.model, changes)) ctx.write(message);
  });
  try {
    const at = deps.view.model.position;
    if (from === null) {
      matching(source, deps.view.model, known); // before any await: the snapshot is the model at `at`
      for (const object of [...known.values()]) await ctx.send(event('ADDED', object, at));
      await ctx.send(event('BOOKMARK', null, at));
    } else {
      await replay(deps, source, from, at, known, diff, ctx);
    }
    const pending = buffered;
    buffered = null;
    for (const message of diff(deps.view.model, pending)) ctx.write(message);
    await aborted(ctx.signal);
  } finally {
    unsubscribe();
  }
}

/** The state at `from` becomes what the client holds; then each event up to `to` is told as it happened. */
async function replay<T>(
  deps: GrpcDeps,
  source: WatchSource<T>,
  from: number,
  to: number,
  known: Map<string, T>,
  diff: (model: ClusterReadModel, changes: Change[]) => WatchEventMessage[],
  ctx: StreamContext<WatchEventMessage>,
): Promise<void> {
  const model = await foldCluster(deps.store, from);
  matching(source, model, known);
  if (to <= from) return;
  for await (const page of readLog(deps.store, { after: from, to })) {
    for (const e of page) {
      const changes = [...model.apply(e), ...model.flush(Date.parse(e.recordedAt))];
      for (const message of diff(model, changes)) await ctx.send(message);
      if (ctx.signal.aborted) return;
    }
  }
}

function matching<T>(source: WatchSource<T>, model: ClusterReadModel, into: Map<string, T>): void {
  for (const key of source.keys(model)) {
    const object = source.get(model, key);
    if (object && source.matches(object)) into.set(key, object);
  }
}
