// Run as its own process (bench/scenarios/replay.ts): reads the log of DATABASE_URL as `everynode replay`
// does — the same query, the same skipped types, every row's JSON parsed — and folds nothing. Prints
// "read N events in S s". A fresh process, as the CLI is, so the bench process's own heap does not weigh on it.
import { ProjectionRebuild, streamLog } from '@everynode/audit';
import { createDataSource, databaseUrl } from '@everynode/platform';

async function main(): Promise<void> {
  const dataSource = await createDataSource({ url: databaseUrl(), poolSize: 1 });
  try {
    const t0 = performance.now();
    const n = await streamLog(dataSource, { skipTypes: ProjectionRebuild.UNUSED_TYPES }, () => undefined);
    console.log(`read ${n} events in ${((performance.now() - t0) / 1000).toFixed(3)} s`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
