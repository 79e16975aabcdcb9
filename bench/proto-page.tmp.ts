import { EventStore } from '@everynode/event-store';
import { ProjectionRebuild, readLog } from '@everynode/audit';
import { createDataSource } from '@everynode/platform';
(async () => {
  const ds = await createDataSource({ url: process.argv[2], poolSize: 2 });
  const store = new EventStore(ds);
  for (const size of process.argv.slice(3).map(Number)) {
    const rb = new ProjectionRebuild(); const t0 = performance.now(); const c0 = process.cpuUsage();
    for await (const page of readLog(store, { pageSize: size, to: 400000 })) for (const e of page) rb.add(e);
    const c = process.cpuUsage(c0); const s = (performance.now() - t0) / 1000;
    console.log(size, rb.events, Math.round(rb.events / s), '/s wall', ((c.user + c.system) / rb.events).toFixed(2), 'µs cpu/event');
  }
  await ds.destroy();
})();
