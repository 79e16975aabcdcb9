import { Client } from 'pg';
import { ProjectionRebuild } from '@everynode/audit';
const url = process.argv[2];
const COLS = `position, stream, stream_version AS "streamVersion", type, data, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "recordedAt"`;
(async () => {
  const c = new Client({ connectionString: url }); await c.connect();
  const { rows } = await c.query(`SELECT ${COLS} FROM event_log.events WHERE position <= 400000 ORDER BY position`);
  for (const e of rows) e.position = Number(e.position);
  for (let k = 0; k < 2; k++) {
  const rb = new ProjectionRebuild();
  const cpu0 = process.cpuUsage();
  for (const e of rows) rb.add(e);
  const cpu = process.cpuUsage(cpu0);
  console.log('fold', rows.length, 'cpu', ((cpu.user + cpu.system) / 1e6).toFixed(2), 's', Math.round(rows.length / ((cpu.user + cpu.system) / 1e6)), '/s');
  }
  await c.end();
})();
