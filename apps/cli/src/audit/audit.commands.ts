// Audit commands: they read the log in PostgreSQL directly (DATABASE_URL, as the least-privilege app role).
import { EventStore } from '@everynode/event-store';
import type { RecordedEvent } from '@everynode/contracts';
import {
  ChainVerifier,
  checkInvariants,
  describeEvent,
  diffProjections,
  foldCluster,
  formatDiff,
  formatStep,
  history,
  readLiveProjections,
  readLog,
  rebuildProjections,
  resolvePosition,
  streamEvents,
} from '@everynode/audit';
import { createDataSource, databaseUrl } from '@everynode/platform';
import { ClusterReadModel } from '@everynode/read-models';
import type { DataSource } from 'typeorm';
import { humanAge, table } from '../format';
import { Progress } from '../progress';

export interface Flags {
  [name: string]: string | boolean | undefined;
}

async function withLog<T>(fn: (store: EventStore, ds: DataSource) => Promise<T>): Promise<T> {
  let ds: DataSource;
  try {
    ds = await createDataSource({ url: databaseUrl(), appRole: true, poolSize: 2 });
  } catch (e) {
    throw new Error(`cannot open the event log at ${databaseUrl()}: ${(e as Error).message}. Is the stack set up (npm start), or DATABASE_URL set?`);
  }
  try {
    return await fn(new EventStore(ds), ds);
  } finally {
    await ds.destroy();
  }
}

const logRow = (e: RecordedEvent) => [
  String(e.position),
  e.recordedAt,
  e.stream,
  e.type,
  e.metadata.actor,
  e.metadata.causationId ?? '',
  describeEvent(e),
];
const LOG_HEADER = ['POSITION', 'TIME', 'STREAM', 'TYPE', 'ACTOR', 'CAUSATION', 'WHAT'];

export async function logCommand(flags: Flags): Promise<number> {
  const json = flags.o === 'json' || flags.output === 'json';
  const matches = (e: RecordedEvent) =>
    (!flags.stream || e.stream === flags.stream) && (!flags.type || e.type === flags.type);
  return withLog(async (store) => {
    let after = flags.from ? Number(flags.from) - 1 : 0;
    const print = (events: RecordedEvent[]) => {
      const shown = events.filter(matches);
      if (json) for (const e of shown) console.log(JSON.stringify(e));
      else if (shown.length) console.log(table(LOG_HEADER, shown.map(logRow)));
    };
    for await (const page of readLog(store, { after })) {
      print(page);
      after = page[page.length - 1].position;
    }
    if (!flags.follow) return 0;
    await new Promise<void>((resolve) => {
      const tail = store.tail(after, async (events) => print(events));
      process.once('SIGINT', () => void tail.stop().then(resolve));
    });
    return 0;
  });
}

export async function historyCommand(ref: string | undefined): Promise<number> {
  if (!ref) throw new Error('history needs an object: pod/<namespace>/<name>, node/<name> or ds/<namespace>/<name>');
  return withLog(async (store) => {
    const steps = await history(store, ref);
    if (!steps.length) {
      console.error(`no events for ${ref}`);
      return 1;
    }
    for (const step of steps) console.log(formatStep(step));
    return 0;
  });
}

export async function stateCommand(flags: Flags): Promise<number> {
  return withLog(async (store, ds) => {
    const to = flags.at ? await resolvePosition(ds, String(flags.at)) : await store.headPosition();
    const model = await foldCluster(store, to);
    const [{ at }] = to ? await ds.query('SELECT recorded_at AS at FROM event_log.events WHERE position = $1', [to]) : [{ at: new Date() }];
    const now = new Date(at).getTime();
    console.log(`state at position ${to} (${new Date(at).toISOString()})\n`);
    const nodes = [...model.nodes.values()].flatMap((s) => (s.node ? [s.node] : []));
    console.log(table(['NODE', 'STATUS', 'AGE', 'LABELS'], nodes.map((n) => [
      n.name,
      (n.ready === 'True' ? 'Ready' : n.ready === 'False' ? 'NotReady' : 'Unknown') + (n.unschedulable ? ',SchedulingDisabled' : ''),
      humanAge(n.createdAt, now),
      Object.entries(n.labels).map(([k, v]) => `${k}=${v}`).join(','),
    ])));
    console.log();
    const dsRows = [...model.daemonSets.keys()].flatMap((key) => {
      const ds = model.daemonSet(key);
      if (!ds) return [];
      const s = ds.status!;
      const sel = ds.spec.template.spec.nodeSelector ?? {};
      return [[ds.metadata.namespace!, ds.metadata.name!, String(s.desiredNumberScheduled), String(s.currentNumberScheduled), String(s.numberReady),
        String(s.updatedNumberScheduled ?? 0), String(s.numberAvailable ?? 0), Object.keys(sel).sort().map((k) => `${k}=${sel[k]}`).join(',') || '<none>',
        humanAge(ds.metadata.creationTimestamp!, now)]];
    });
    console.log(table(['NAMESPACE', 'DAEMONSET', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'], dsRows));
    console.log();
    console.log(table(['NAMESPACE', 'POD', 'READY', 'STATUS', 'NODE', 'IP', 'AGE'], [...model.pods.values()].map((p) => [
      p.namespace, p.name, p.ready ? '1/1' : '0/1', p.phase, p.node, p.podIP ?? '<none>', humanAge(p.createdAt, now),
    ])));
    return 0;
  });
}

export async function replayCommand(flags: Flags): Promise<number> {
  return withLog(async (store, ds) => {
    const head = await store.headPosition();
    const to = flags.to ? await resolvePosition(ds, String(flags.to)) : head;
    const progress = new Progress('replay', to);
    if (flags.verify && to !== head) throw new Error('--verify compares with the live projections, which reflect the head: leave out --to');
    const rebuild = await rebuildProjections(ds, to, (p) => progress.update(p));
    // The rows themselves only to compare them (timed with the rebuild); otherwise how many there are.
    const rebuilt = flags.verify ? rebuild.result() : undefined;
    console.log(`rebuilt every projection from ${progress.finish(rebuild.events)}, up to position ${rebuild.position}`);
    for (const [name, rows] of Object.entries(rebuild.rowCounts())) console.log(`  ${name}: ${rows} rows`);
    console.log(`  pods (the scheduler folds them in memory; no table): ${rebuild.pods}`);
    if (!rebuilt) return 0;
    const diffs = diffProjections(await readLiveProjections(ds), rebuilt.projections);
    if (!diffs.length) {
      console.log('verify: every live projection equals its rebuild from the log');
      return 0;
    }
    console.log(`verify: ${diffs.length} difference(s) between the live projections and the log:`);
    for (const d of diffs) console.log(formatDiff(d));
    return 1;
  });
}

export async function verifyCommand(): Promise<number> {
  return withLog(async (store, ds) => {
    const head = await store.headPosition();
    const progress = new Progress('verify', head);
    const chain = new ChainVerifier();
    // One pass: each event joins the chain, then the cluster fold the invariants are checked on.
    const model = new ClusterReadModel();
    let lastRecordedAt = '';
    await streamEvents(ds, { to: head }, (e) => {
      if (chain.problem || !chain.add(e)) return; // past the first break: nothing more to learn
      model.apply(e);
      lastRecordedAt = e.recordedAt;
      if ((chain.checked & 0x3fff) === 0) progress.update(chain.checked);
    });
    if (!chain.problem && chain.checked !== head) chain.problem = { position: chain.checked + 1, problem: `the log ends at ${chain.checked} but its head is ${head}` };
    console.log(`integrity: checked ${progress.finish(chain.checked)}`);
    if (chain.problem) {
      console.log(`integrity: FAILED at position ${chain.problem.position}: ${chain.problem.problem}`);
      return 2;
    }
    console.log(`integrity: the hash chain is intact (head ${chain.headHash})`);
    // As foldCluster does: availability is judged at the time of the last event.
    model.flush(model.position ? Date.parse(lastRecordedAt) : Date.now());
    const violations = checkInvariants(model.cluster);
    if (violations.length) {
      console.log(`invariants: ${violations.length} violation(s) (a cluster still converging shows its pending work here):`);
      for (const v of violations) console.log(`  ${v.rule}: ${v.detail}`);
      return 1;
    }
    console.log(`invariants: hold for ${model.cluster.daemonSets.size} DaemonSets, ${model.cluster.nodes.size} nodes, ${model.cluster.pods.size} pods`);
    return 0;
  });
}

export async function exportCommand(flags: Flags): Promise<number> {
  return withLog(async (store, ds) => {
    const after = flags.from ? (await resolvePosition(ds, String(flags.from))) - (/^\d+$/.test(String(flags.from)) ? 1 : 0) : 0;
    const to = flags.to ? await resolvePosition(ds, String(flags.to)) : undefined;
    for await (const page of readLog(store, { after: Math.max(0, after), to })) {
      process.stdout.write(page.map((e) => JSON.stringify(e)).join('\n') + '\n');
    }
    return 0;
  });
}
