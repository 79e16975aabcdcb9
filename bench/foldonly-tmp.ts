import { streamLog, ProjectionRebuild } from '@everynode/audit';
import { createDataSource } from '@everynode/platform';
(async () => {
  const ds = await createDataSource({ url: 'postgres://postgres@127.0.0.1:5432/replay_keep', poolSize: 2 });
  const events: any[] = []; const skipped: number[] = [];
  await streamLog(ds, { to: Number(process.env.TO ?? 400000), skipTypes: ProjectionRebuild.UNUSED_TYPES }, (e) => { events.push(e); }, (p) => { events.push(p); });
  await ds.destroy();
  console.log('loaded', events.length);
  for (let r = 0; r < 4; r++) {
    const t0 = performance.now();
    const rb = new ProjectionRebuild();
    for (const e of events) typeof e === 'number' ? rb.skip(e) : rb.add(e);
    console.log('fold', ((performance.now() - t0) / 1000).toFixed(2), 's', rb.pods);
  }
})();
