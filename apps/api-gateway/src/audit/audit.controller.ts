// The audit answers over HTTP (JSON) for tools that cannot run the CLI: the same functions as
// `everynode log | history | state | verify`, read from the log. Any authenticated role may call them.
import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { badRequest } from '@everynode/contracts';
import { ChainVerifier, checkInvariants, foldCluster, history, readLog, resolvePosition } from '@everynode/audit';
import { EventStore } from '@everynode/event-store';
import type { HttpResponse } from '../http/http-types';
import { sendJson } from '../http/respond';

const MAX_PAGE = 5000;

const position = (raw: string | undefined, name: string): number | undefined => {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw badRequest(`${name} must be a log position (a whole number), got ${JSON.stringify(raw)}`);
  return Number(raw);
};

@Controller('audit/v1')
export class AuditController {
  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
  ) {}

  /** Events in log order from `from` (inclusive); `next` is where the following page starts. */
  @Get('events')
  async events(@Query() q: Record<string, string>, @Res() res: HttpResponse) {
    const from = position(q.from, 'from') ?? 1;
    const limit = Math.min(position(q.limit, 'limit') ?? 500, MAX_PAGE);
    const items = await this.store.readAll({
      after: Math.max(0, from - 1),
      limit,
      ...(q.to ? { to: position(q.to, 'to') } : {}),
      ...(q.type ? { types: [q.type] } : {}),
      ...(q.stream ? { streamPrefix: q.stream } : {}),
    });
    const filtered = q.stream ? items.filter((e) => e.stream === q.stream) : items;
    const last = items[items.length - 1];
    sendJson(res, 200, { items: filtered, ...(items.length === limit ? { next: last.position + 1 } : {}) });
  }

  @Get(['history/:kind/:name', 'history/:kind/:namespace/:name'])
  async history(@Param() p: { kind: string; namespace?: string; name: string }, @Res() res: HttpResponse) {
    const ref = [p.kind, p.namespace, p.name].filter(Boolean).join('/');
    let steps;
    try {
      steps = await history(this.store, ref);
    } catch (error) {
      throw badRequest((error as Error).message);
    }
    sendJson(res, 200, {
      object: ref,
      steps: steps.map((s) => ({ position: s.event.position, recordedAt: s.event.recordedAt, type: s.event.type, summary: s.summary, causes: s.causes })),
    });
  }

  /** The cluster at a log position or RFC 3339 time (`at`), as the API showed it then. */
  @Get('state')
  async state(@Query('at') at: string | undefined, @Res() res: HttpResponse) {
    let to: number;
    try {
      to = at ? await resolvePosition(this.dataSource, at) : await this.store.headPosition();
    } catch (error) {
      throw badRequest((error as Error).message);
    }
    const model = await foldCluster(this.store, to);
    sendJson(res, 200, {
      position: to,
      nodes: [...model.nodes.values()].flatMap((s) => (s.node ? [s.node] : [])),
      daemonSets: [...model.daemonSets.keys()].flatMap((k) => model.daemonSet(k) ?? []),
      pods: [...model.pods.values()],
    });
  }

  /** The hash chain over the whole log, and the invariants of the cluster now. */
  @Get('verify')
  async verify(@Res() res: HttpResponse) {
    const chain = new ChainVerifier();
    for await (const page of readLog(this.store)) {
      for (const e of page) if (!chain.add(e)) break;
      if (chain.problem) break;
    }
    const head = await this.store.headPosition();
    const problem = chain.problem ?? (chain.checked !== head ? { position: chain.checked + 1, problem: `the log ends at ${chain.checked} but its head is ${head}` } : null);
    const model = await foldCluster(this.store);
    const violations = checkInvariants(model.cluster);
    sendJson(res, 200, {
      integrity: { ok: !problem, checked: chain.checked, headHash: chain.headHash, ...(problem ? { problem } : {}) },
      invariants: { ok: violations.length === 0, violations },
    });
  }
}
