// everynode.v1.Audit: the log itself, one object's history with its causes, and the cluster at a moment.
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import { notFound, serviceUnavailable } from '@everynode/contracts';
import type { RecordedEvent } from '@everynode/contracts';
import { foldCluster, history, streamOf } from '@everynode/audit';
import type { EventStore } from '@everynode/event-store';
import { aborted, type CallHandlers, type StreamContext } from './call-handlers';
import type { GrpcDeps } from './grpc-deps';
import { invalidArgument, required } from './grpc-errors';
import { daemonSetMessage, eventMessage, nodeMessage, podMessage } from './messages';

interface StreamEventsRequest {
  fromPosition: number;
  follow: boolean;
  types: string[];
  streamPrefix: string;
}

type EventMessage = ReturnType<typeof eventMessage>;

const PAGE = 1000;

export function auditService(deps: GrpcDeps, calls: CallHandlers): UntypedServiceImplementation {
  const { store } = deps;
  return {
    StreamEvents: calls.serverStream('read', (req: StreamEventsRequest, ctx) => streamEvents(store, req, ctx)),

    History: calls.unary('read', async (req: { object: { kind: string; namespace: string; name: string } | null }) => {
      const ref = objectRef(req.object);
      const steps = await history(store, ref);
      if (!steps.length) throw notFound('events', ref);
      return {
        steps: steps.map((s) => ({
          event: eventMessage(s.event),
          summary: s.summary,
          causes: s.causes.map((c) => ({ position: c.position ?? 0, description: c.description })),
        })),
      };
    }),

    StateAt: calls.unary('read', async (req: { at?: 'position' | 'time'; position: number; time: string }) => {
      const head = await store.headPosition();
      let position: number;
      if (req.at === 'time') {
        const time = Date.parse(req.time);
        if (Number.isNaN(time)) throw invalidArgument(`time: Invalid value: "${req.time}": not an RFC 3339 time (e.g. 2026-11-29T10:00:00Z)`, 'time');
        position = await positionAt(store, head, time);
      } else if (req.at === undefined) {
        position = head;
      } else {
        position = req.position;
        if (position < 0 || position > head) throw invalidArgument(`position: Invalid value: ${position}: the event log holds positions 0 to ${head}`, 'position');
      }
      const model = await foldCluster(store, position);
      const recordedAt = position ? ((await store.readAll({ after: position - 1, limit: 1 }))[0]?.recordedAt ?? '') : '';
      return {
        position,
        recordedAt,
        nodes: [...model.nodes.values()].flatMap((s) => (s.node ? [nodeMessage(s.node)] : [])),
        daemonSets: [...model.daemonSets.keys()].flatMap((key) => {
          const ds = model.daemonSet(key);
          return ds ? [daemonSetMessage(ds)] : [];
        }),
        pods: [...model.pods.values()].map(podMessage),
        namespaces: [...model.namespaces.values()].flatMap((s) => (s.record ? [s.record.name] : [])),
      };
    }),
  };
}

/** Up to the head as it was when asked (filtered in the database), then, with follow, the tail of the log. */
async function streamEvents(store: EventStore, req: StreamEventsRequest, ctx: StreamContext<EventMessage>): Promise<void> {
  const wanted = (e: RecordedEvent) => (!req.types.length || req.types.includes(e.type)) && (!req.streamPrefix || e.stream.startsWith(req.streamPrefix));
  const head = await store.headPosition();
  let after = Math.max(req.fromPosition - 1, 0);
  while (after < head && !ctx.signal.aborted) {
    const page = await store.readAll({ after, to: head, limit: PAGE, ...(req.types.length ? { types: req.types } : {}), ...(req.streamPrefix ? { streamPrefix: req.streamPrefix } : {}) });
    for (const e of page) await ctx.send(eventMessage(e));
    if (page.length < PAGE) break;
    after = page[page.length - 1].position;
  }
  if (!req.follow || ctx.signal.aborted) return;
  let failure: Error | undefined;
  const stopped = new AbortController();
  const tail = store.tail(Math.max(after, head), async (events) => {
    for (const e of events) if (wanted(e)) await ctx.send(eventMessage(e));
  }, {
    // A client can resume from its last position; a stream stuck on a broken database helps no one.
    onError: (error) => {
      failure = error;
      stopped.abort();
    },
  });
  await Promise.race([aborted(ctx.signal), aborted(stopped.signal)]);
  await tail.stop();
  if (failure) throw serviceUnavailable(`reading the event log failed: ${failure.message}; resume from the last position received`);
}

/** The last position recorded at or before `time` (recordedAt never decreases along the log): a binary search. */
async function positionAt(store: EventStore, head: number, time: number): Promise<number> {
  let lo = 0;
  let hi = head;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const [e] = await store.readAll({ after: mid - 1, limit: 1 });
    if (Date.parse(e.recordedAt) <= time) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function objectRef(object: { kind: string; namespace: string; name: string } | null): string {
  const kind = required(object?.kind ?? '', 'object.kind').toLowerCase();
  const name = required(object!.name, 'object.name');
  const ref = ['node', 'nodes', 'no'].includes(kind) ? `${kind}/${name}` : `${kind}/${object!.namespace || 'default'}/${name}`;
  try {
    streamOf(ref);
  } catch (error) {
    throw invalidArgument(`object.kind: Unsupported value: "${object!.kind}": use pod, node or daemonset`, 'object.kind');
  }
  return ref;
}
