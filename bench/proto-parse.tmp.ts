import { Client } from 'pg';
const url = process.argv[2];
const ALL = 'position, event_id, stream, stream_version, type, data, metadata, recorded_at, hash, prev_hash';
const LEAN = `position, stream, stream_version, type, data, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at`;
const LEAN2 = `position::int, stream, stream_version, type, data::text, recorded_at::text`;
(async () => {
  const c = new Client({ connectionString: url }); await c.connect();
  for (const [name, cols, mode] of [['all', ALL, undefined], ['lean', LEAN, undefined], ['lean-array', LEAN, 'array'], ['lean-text-data', LEAN2, 'array']] as const) {
    const cpu0 = process.cpuUsage(); const t0 = performance.now(); let n = 0; let after = 0;
    for (;;) {
      const r = await c.query({ text: `SELECT ${cols} FROM event_log.events WHERE position > $1 ORDER BY position LIMIT 10000`, values: [after], ...(mode ? { rowMode: mode } : {}) });
      if (!r.rows.length || n >= 300000) break; n += r.rows.length;
      const last: any = r.rows[r.rows.length - 1]; after = Number(mode ? last[0] : last.position);
    }
    const cpu = process.cpuUsage(cpu0); const us = (cpu.user + cpu.system) / n;
    console.log(name.padEnd(16), n, 'cpu µs/event', us.toFixed(2), 'wall/s', Math.round(n / ((performance.now() - t0) / 1000)));
  }
  await c.end();
})();
