import { COMMANDS } from '@everynode/contracts';
import { clusterOf, daemonSetManifest, meta } from './scenarios/converge';
import { startGateway } from './scenarios/api';
import { churn, settle } from './scenarios/join-latency';
(async () => {
  const stack = await clusterOf(+process.argv[3], 'bench_wdbg');
  try {
    for (let i = 1; i <= +process.argv[4]; i++) await stack.send(COMMANDS.daemonSetApply, { meta: meta(), manifest: daemonSetManifest(`ds-0${i}`) });
    await new Promise((r) => setTimeout(r, 15000));
    const gw = await startGateway(stack);
    const list = await gw.get('/api/v1/pods');
    const rv = JSON.parse(list.body.toString()).metadata.resourceVersion;
    console.log('rv', rv, 'pods', JSON.parse(list.body.toString()).items.length);
    const W = +process.argv[2];
    const ws = Array.from({ length: W }, () => gw.watch(`/api/v1/pods?watch=true&resourceVersion=${rv}`, (e) => console.log('err', e.message)));
    await Promise.all(ws.map((w) => w.established));
    const r = await churn(stack, { rate: 20, seconds: 5, leaveAfter: 10, first: 1 });
    await settle(stack, r.nodes);
    for (let k = 0; k < 20; k++) {
      const [{ n }] = await stack.db.adminDataSource.query(`SELECT count(*)::int AS n FROM event_log.events WHERE position > $1 AND type IN ('PodScheduled','PodStatusChanged','PodRemoved')`, [rv]);
      const counts = ws.map((w) => w.events);
      console.log(new Date().toISOString(), 'log', n, 'min', Math.min(...counts), 'max', Math.max(...counts));
      await new Promise((r) => setTimeout(r, 2000));
    }
    ws.forEach((w) => w.stop()); gw.close();
  } finally { await stack.teardown(); }
})();
