import { Client } from 'pg';
import { ProjectionRebuild } from '@everynode/audit';
const url = process.argv[2]; const variant = process.argv[3]; const PAGE = +(process.argv[4] ?? 5000);
const COLS = `position, stream, stream_version AS "streamVersion", type, data, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "recordedAt"`;
(async () => {
  const c1 = new Client({ connectionString: url }); await c1.connect();
  const c2 = new Client({ connectionString: url }); await c2.connect();
  const clients = [c1, c2]; let turn = 0;
  const rb = new ProjectionRebuild();
  const t0 = performance.now(); const cpu0 = process.cpuUsage();
  const read = (after: number): Promise<any[]> => {
    const c = clients[turn++ % 2];
    if (variant === 'rows') return c.query(`SELECT ${COLS} FROM event_log.events WHERE position > $1 ORDER BY position LIMIT ${PAGE}`, [after]).then(r => r.rows);
    if (variant === 'agg') return c.query({ text: `SELECT coalesce(json_agg(t ORDER BY position), '[]')::text AS page FROM (SELECT ${COLS} FROM event_log.events WHERE position > $1 ORDER BY position LIMIT ${PAGE}) t`, values: [after], rowMode: 'array' }).then(r => JSON.parse(r.rows[0][0]));
    throw new Error(variant);
  };
  let next = read(0);
  for (;;) {
    const page = await next;
    if (!page.length) break;
    if (page.length === PAGE) next = read(Number(page[page.length - 1].position));
    for (const e of page) { e.position = Number(e.position); rb.add(e); }
    if (page.length < PAGE) break;
  }
  const s = (performance.now() - t0) / 1000; const cpu = process.cpuUsage(cpu0);
  console.log(variant, PAGE, rb.events, 'events', s.toFixed(2), 's', Math.round(rb.events / s), '/s', 'cpu', ((cpu.user + cpu.system) / 1e6).toFixed(2), 's', 'rows', rb.result().projections['scheduler.placements'].size);
  await c1.end(); await c2.end();
})();
