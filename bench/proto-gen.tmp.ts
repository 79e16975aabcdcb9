import { createTestDatabase } from '@everynode/platform';
import { clusterHistory } from './lib/cluster-history';
import { writeHistory } from './lib/log-rows';
(async () => {
  const db = await createTestDatabase('bench_proto');
  const n = await writeHistory(db.url, 'event_log.events', clusterHistory({ events: +process.argv[2], nodes: 5000, daemonSets: 30 }));
  await db.adminDataSource.query('VACUUM ANALYZE event_log.events');
  console.log(db.url, n);
  await db.dataSource.destroy(); await db.adminDataSource.destroy();
})();
