// The registry's write path: read the nodes' states, decide, then append and fold into the projection in one
// transaction (the projection's upsert goes with the INSERT and COMMIT, see TransactionOptions.after; the
// states read are checked by the streams' expected versions under the lock, and a conflict decides again).
// Many commands share one append (group commit, see NodeCommandQueue): each command is decided against
// the state its predecessors in the batch left, a command that is refused (422, 404, 409) is answered alone and
// appends nothing, and the rest is appended in ONE appendMany — so the log's lock is taken once per batch.
import { Injectable } from '@nestjs/common';
import { nodeStream } from '@everynode/contracts';
import type { NewEvent, RecordedEvent } from '@everynode/contracts';
import { EventStore } from '@everynode/event-store';
import type { AppendRequest } from '@everynode/event-store';
import { retryOnConflict } from '@everynode/platform';
import { evolveNode } from '@everynode/read-models';
import { NodeState } from './domain/node.decider';
import { NodeProjection } from './projection/node.projection';

/** One command of a batch. */
export interface NodeWrite<T = unknown> {
  name: string;
  /** True when deciding on `state` needs a fresh pod CIDR (a join of a new node that brings none). */
  needsPodCidr?: (state: NodeState) => boolean;
  /** The events to append; throws to refuse the command (only this one). `podCIDR` is '' unless needsPodCidr said so. */
  decide: (state: NodeState, podCIDR: string) => NewEvent[];
  /** The answer, from the node's state before and after this command's events (committed, real positions). */
  reply: (before: NodeState, after: NodeState) => T;
  /** Commands of one group (e.g. one join-many) are refused together when one of them is. */
  group?: object;
}

export type Settled<T> = { ok: true; value: T; after: NodeState } | { ok: false; error: unknown };

/** The state after `events` as seen before they are committed (positions and times are not known yet). */
function foldDraft(state: NodeState, events: NewEvent[]): NodeState {
  let s = state;
  for (const e of events) {
    s = evolveNode(s, { ...e, stream: '', streamVersion: s.version + 1, position: 0, recordedAt: '', hash: '', prevHash: '' } as RecordedEvent);
  }
  return s;
}

@Injectable()
export class NodeWriter {
  constructor(
    private readonly store: EventStore,
    private readonly projection: NodeProjection,
  ) {}

  /** Commands for any nodes, in order, in one transaction and one append batch; one outcome per command. */
  async batch<T>(writes: NodeWrite<T>[]): Promise<Settled<T>[]> {
    if (!writes.length) return [];
    const outcomes = await retryOnConflict(async () => {
      const loaded = await this.projection.loadMany([...new Set(writes.map((w) => w.name))]);
      // A refused member refuses its group: decide again without the group (it may have changed later states).
      const refused = new Map<object, unknown>();
      let pass = decideAll(writes, loaded, refused, () => '');
      while (pass.failedGroups.size) {
        for (const [group, error] of pass.failedGroups) refused.set(group, error);
        pass = decideAll(writes, loaded, refused, () => '');
      }
      const cidrs = await this.projection.nextPodCidrs(pass.cidrsNeeded);
      let next = 0;
      const { decided } = decideAll(writes, loaded, refused, () => cidrs[next++]);

      const requests: AppendRequest[] = [];
      const requestOf = new Map<number, number>();
      decided.forEach((d, i) => {
        if (!d.ok || !d.events.length) return;
        requestOf.set(i, requests.length);
        requests.push({ stream: nodeStream(writes[i].name), expectedVersion: d.before.version, events: d.events });
      });
      const after = (events: RecordedEvent[]) => NodeProjection.upsertSql(events, loaded);
      const results = requests.length ? await this.store.appendMany(requests, { after }) : [];

      // Each command's before and after, from the committed events (real resourceVersions and creation times).
      const states = new Map(loaded);
      return decided.map((d, i) => {
        if (!d.ok) return d;
        const before = states.get(writes[i].name)!;
        const r = requestOf.get(i);
        const after = r === undefined ? before : results[r].events.reduce(evolveNode, before);
        states.set(writes[i].name, after);
        return { ok: true as const, before, after };
      });
    });
    // Answers (and their side effects, e.g. on leases) only once committed.
    return outcomes.map((o, i): Settled<T> => {
      if (!o.ok) return o;
      try {
        return { ok: true, value: writes[i].reply(o.before, o.after), after: o.after };
      } catch (error) {
        return { ok: false, error };
      }
    });
  }
}

type Decided = { ok: true; before: NodeState; events: NewEvent[] } | { ok: false; error: unknown };

/** One pass over the batch in order, each command on the state its predecessors left (drafts, not yet committed). */
function decideAll(writes: NodeWrite[], loaded: Map<string, NodeState>, refused: Map<object, unknown>, podCidr: () => string) {
  const states = new Map(loaded);
  const failedGroups = new Map<object, unknown>();
  let cidrsNeeded = 0;
  const decided = writes.map((w): Decided => {
    if (w.group && refused.has(w.group)) return { ok: false, error: refused.get(w.group) };
    const before = states.get(w.name)!;
    try {
      const needs = w.needsPodCidr?.(before) ?? false;
      if (needs) cidrsNeeded++;
      const events = w.decide(before, needs ? podCidr() : '');
      states.set(w.name, foldDraft(before, events));
      return { ok: true, before, events };
    } catch (error) {
      if (w.group && !failedGroups.has(w.group)) failedGroups.set(w.group, error);
      return { ok: false, error };
    }
  });
  return { decided, failedGroups, cidrsNeeded };
}
