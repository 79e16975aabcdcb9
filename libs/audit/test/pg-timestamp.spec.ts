// isoFromPgTimestamp writes a replayed event's recordedAt straight from PostgreSQL's text. It must give what
// the services see, pg's parser then toISOString, for every timestamp PostgreSQL can send.
import fc from 'fast-check';
import { Client, types } from 'pg';
import { isoFromPgTimestamp } from '@everynode/audit';
import { databaseUrl, withDatabase } from '@everynode/platform';

const TIMESTAMPTZ = 1184;
const pgParse = types.getTypeParser(TIMESTAMPTZ, 'text') as (text: string) => Date;
const viaPg = (stamp: string) => pgParse(stamp).toISOString();
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** How PostgreSQL writes a timestamptz in a UTC session: microseconds, trailing zeros dropped. */
function pgText(ms: number, micros: number): string {
  const d = new Date(ms);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
  const time = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  const fraction = pad(d.getUTCMilliseconds() * 1000 + micros, 6).replace(/0+$/, '');
  return `${date} ${time}${fraction ? `.${fraction}` : ''}+00`;
}

describe('isoFromPgTimestamp', () => {
  it('equals pg parse + toISOString for any instant of years 1000–9999, to the microsecond', () => {
    const min = Date.UTC(1000, 0, 1);
    const max = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    fc.assert(
      fc.property(fc.integer({ min, max }), fc.integer({ min: 0, max: 999 }), (ms, micros) => {
        const stamp = pgText(ms, micros);
        expect(isoFromPgTimestamp(stamp, pgParse)).toBe(viaPg(stamp));
      }),
      { numRuns: 20_000 },
    );
  });

  it('truncates every fraction of one to six digits as pg does (binary fractions included)', () => {
    for (let digits = 1; digits <= 4; digits++) {
      for (let f = 0; f < 10 ** digits; f++) {
        const stamp = `2026-12-06 09:21:07.${pad(f, digits)}+00`;
        if (isoFromPgTimestamp(stamp, pgParse) !== viaPg(stamp)) throw new Error(`${stamp}: ${isoFromPgTimestamp(stamp, pgParse)} ≠ ${viaPg(stamp)}`);
      }
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: 5, max: 6 }), (f, digits) => {
        const stamp = `2026-12-06 09:21:07.${pad(f % 10 ** digits, digits)}+00`;
        expect(isoFromPgTimestamp(stamp, pgParse)).toBe(viaPg(stamp));
      }),
      { numRuns: 50_000 },
    );
  });

  it('leaves every other form to the parser: another time zone, years outside 1000–9999, BC, infinity', () => {
    for (const stamp of ['2026-12-06 09:21:07.5+02', '2026-12-06 09:21:07-03:30', '0999-12-31 23:59:59+00', '0050-01-01 00:00:00+00', '12026-01-01 00:00:00+00', '2026-01-01 00:00:00+00 BC']) {
      expect(isoFromPgTimestamp(stamp, pgParse)).toBe(viaPg(stamp));
    }
    expect(() => viaPg('infinity')).toThrow(); // pg gives Infinity, a number
    expect(() => isoFromPgTimestamp('infinity', pgParse)).toThrow();
  });

  it("equals pg parse + toISOString on PostgreSQL's own text of 5,000 random timestamps", async () => {
    const client = new Client({ connectionString: withDatabase(databaseUrl(), 'postgres') });
    await client.connect();
    try {
      await client.query(`SET TimeZone = 'UTC'`);
      const { rows } = await client.query<{ stamp: string }>(
        `SELECT (timestamptz '1000-01-01 00:00:00+00' + random() * (timestamptz '9999-12-31 23:59:59+00' - timestamptz '1000-01-01 00:00:00+00'))::text AS stamp
           FROM generate_series(1, 5000)
         UNION ALL SELECT (now() + make_interval(secs => g / 7.0))::text FROM generate_series(1, 1000) g`,
      );
      expect(rows).toHaveLength(6000);
      for (const { stamp } of rows) expect(isoFromPgTimestamp(stamp, pgParse)).toBe(viaPg(stamp));
    } finally {
      await client.end();
    }
  });
});
