// Thousands of generated and mutated requests through the HTTPS API (manifests, patches of every
// flavour, list/watch/delete query strings): every answer is a 4xx Kubernetes Status or a success,
// never a 5xx or a hang, and nothing invalid ever reaches the log.
import { appendFileSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse } from 'yaml';
import type { DaemonSet, NodeJoined, RecordedEvent } from '@everynode/contracts';
import { foldCluster, readLog } from '@everynode/audit';
import { EventStore } from '@everynode/event-store';
import { validateDaemonSet } from '../../apps/daemonset-spec/src/domain';
import { isDns1123Label, isDns1123Subdomain, isQualifiedName, isValidLabelValue } from '../../apps/daemonset-spec/src/domain/k8s-names';
import { GatewayTestbed, LIBERATOR } from '../gateway/support/gateway-testbed';
import { clusterObjectCase, manifestCase, NAMESPACE, NODES, patchCase, queryCase } from './support/cases';
import { type Answer, KubeClient, problemWith, type Sent } from './support/kube-client';

/** FUZZ_TRACE=<file>: one line per answer (family, code, request, start of the body), to see what the cases reach. */
const TRACE = process.env.FUZZ_TRACE;
/** Requests in flight at once (2 cores run the gateway, three services, Postgres and NATS). */
const CONCURRENCY = 4;
/**
 * Property runs per family (each run sends CONCURRENCY requests), and the time each may take at most:
 * on a loaded machine a family stops early (and reports how many cases it tried) so that the whole
 * file stays under 90 s. FUZZ_SCALE=10 for a longer soak.
 */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const BUDGET = {
  manifests: { runs: 250 * SCALE, seconds: 18 * SCALE },
  clusterObjects: { runs: 50 * SCALE, seconds: 5 * SCALE },
  patches: { runs: 250 * SCALE, seconds: 14 * SCALE },
  queries: { runs: 150 * SCALE, seconds: 8 * SCALE },
};

describe('the API under fuzzed input', () => {
  let bed: GatewayTestbed;
  let client: KubeClient;
  const liberator = parse(readFileSync(LIBERATOR, 'utf8')) as object;
  const tried: Record<string, Record<number, number>> = {};

  beforeAll(async () => {
    bed = await GatewayTestbed.start('fuzz_api');
    await Promise.all(NODES.map((n) => bed.join(n)));
    client = new KubeClient(bed.port, bed.caPem, bed.adminToken, CONCURRENCY);
    for (const ns of [NAMESPACE, 'scratch']) {
      expect((await client.send({ method: 'POST', path: '/api/v1/namespaces', body: JSON.stringify({ metadata: { name: ns } }), contentType: 'application/json' })).status).toBe(201);
    }
    const created = await client.send({ method: 'POST', path: `/apis/apps/v1/namespaces/${NAMESPACE}/daemonsets`, body: readFileSync(LIBERATOR), contentType: 'application/yaml' });
    expect(created.status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    client?.close();
    const total = Object.values(tried).reduce((n, codes) => n + Object.values(codes).reduce((a, b) => a + b, 0), 0);
    console.log(`fuzz cases tried: ${total}\n${Object.entries(tried).map(([family, codes]) => `  ${family}: ${JSON.stringify(codes)}`).join('\n')}`);
    await bed?.teardown();
  });

  async function answerOf(family: string, req: Sent): Promise<void> {
    let answer: Answer;
    try {
      answer = await client.send(req);
    } catch (error) {
      throw new Error(`${req.method} ${req.path} (${req.contentType}): ${(error as Error).message}\n${String(req.body ?? '').slice(0, 400)}`);
    }
    (tried[family] ??= {})[answer.status] = (tried[family][answer.status] ?? 0) + 1;
    if (TRACE) appendFileSync(TRACE, `${family} ${answer.status} ${req.method} ${req.path.slice(0, 80)} ${answer.text.slice(0, 300)}\n`);
    const problem = problemWith(answer);
    if (problem) throw new Error(`${req.method} ${req.path} (${req.contentType}) got ${problem}\nbody: ${String(req.body ?? '').slice(0, 400)}`);
  }

  const run = (family: string, arb: fc.Arbitrary<Sent>, budget: { runs: number; seconds: number }) =>
    fc.assert(
      fc.asyncProperty(fc.array(arb.map(printable), { minLength: CONCURRENCY, maxLength: CONCURRENCY }), async (reqs) => {
        await Promise.all(reqs.map((r) => answerOf(family, r)));
      }),
      { numRuns: budget.runs, interruptAfterTimeLimit: budget.seconds * 1000, markInterruptAsFailure: false },
    );
  /** The budget plus room for shrinking a failure (the per-request timeout bounds each step). */
  const timeout = (budget: { seconds: number }) => (budget.seconds + 60) * 1000;

  it('answers generated and mutated manifests (create, replace) with a Status or a success', () => run('manifests', manifestCase(liberator), BUDGET.manifests), timeout(BUDGET.manifests));

  it('answers mutated namespaces and nodes with a Status or a success', () => run('namespaces and nodes', clusterObjectCase, BUDGET.clusterObjects), timeout(BUDGET.clusterObjects));

  it('answers strategic, merge, JSON and apply patches with a Status or a success', () => run('patches', patchCase(liberator), BUDGET.patches), timeout(BUDGET.patches));

  it('answers odd label/field selectors, limits, watches, resourceVersions and delete options with a Status or a success', () =>
    run('queries', queryCase, BUDGET.queries), timeout(BUDGET.queries));

  it('appended nothing invalid: every DaemonSet and node in the log re-validates', async () => {
    const store = new EventStore(bed.stack.db.adminDataSource);
    const model = await foldCluster(store);
    expect(model.daemonSets.size).toBeGreaterThan(0);
    for (const [key, state] of model.daemonSets) if (state.record) expect({ key, causes: validateDaemonSet(state.record.object) }).toEqual({ key, causes: [] });

    // Not only the final state: every version ever appended.
    const bad: string[] = [];
    for await (const page of readLog(store)) for (const event of page) bad.push(...problemsOf(event));
    expect(bad).toEqual([]);
  });
});

/** Counterexamples print as a request line and the start of the body, not as byte arrays. */
const printable = (req: Sent): Sent =>
  Object.assign(req, {
    [fc.toStringMethod]: () => `${req.method} ${req.path} [${req.contentType}] ${JSON.stringify(String(req.body ?? '').slice(0, 300))}`,
  });

const labelProblems = (at: string, labels: Record<string, unknown> | undefined) =>
  Object.entries(labels ?? {}).flatMap(([k, v]) =>
    [...isQualifiedName(k), ...(typeof v === 'string' ? isValidLabelValue(v) : ['not a string'])].map((m) => `${at}: label ${JSON.stringify(k)}=${JSON.stringify(v)}: ${m}`),
  );

/** What is invalid in one appended event (DaemonSet objects; namespace and node names, labels and taints). */
function problemsOf(event: RecordedEvent): string[] {
  const at = `${event.type}@${event.position}`;
  if (event.type === 'DaemonSetCreated' || event.type === 'DaemonSetUpdated') {
    return validateDaemonSet((event.data as { object: DaemonSet }).object).map((c) => `${at}: ${c.field}: ${c.message}`);
  }
  if (event.type === 'NamespaceCreated') {
    const ns = event.data as { name: string; labels?: Record<string, unknown> };
    return [...isDns1123Label(ns.name).map((m) => `${at}: name ${JSON.stringify(ns.name)}: ${m}`), ...labelProblems(at, ns.labels)];
  }
  if (event.type === 'NodeJoined' || event.type === 'NodeUpdated') {
    const node = event.data as Pick<NodeJoined, 'name' | 'labels' | 'taints'>;
    const out = isDns1123Subdomain(node.name).map((m) => `${at}: name ${JSON.stringify(node.name)}: ${m}`);
    out.push(...labelProblems(at, node.labels));
    for (const t of node.taints ?? []) {
      const known = Object.keys(t ?? {}).every((k) => ['key', 'value', 'effect', 'timeAdded'].includes(k));
      const ok =
        known && typeof t.key === 'string' && isQualifiedName(t.key).length === 0 && (t.value === undefined || (typeof t.value === 'string' && isValidLabelValue(t.value).length === 0)) &&
        ['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect);
      if (!ok) out.push(`${at}: taint ${JSON.stringify(t)}`);
    }
    return out;
  }
  return [];
}
