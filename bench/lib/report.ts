// Progress on stderr and the figures of a run, printed as a table and kept as JSON under bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Figure {
  scenario: string;
  metric: string;
  value: number;
  unit: string;
  /** The figure as a share of the machine's own limit measured in the same run, when one applies. */
  ratio?: { of: string; value: number };
  goal?: string;
}

export const figures: Figure[] = [];

/** Scenarios that could not finish, with why: printed under the table, kept in the JSON. */
export const failures: { scenario: string; error: string }[] = [];

export function recordFailure(scenario: string, error: Error): void {
  failures.push({ scenario, error: error.message });
  progress(`${scenario}: FAILED: ${error.stack ?? error.message}`);
}

export function record(f: Figure): void {
  figures.push(f);
  progress(`${f.scenario}: ${f.metric} = ${format(f.value)} ${f.unit}${f.ratio ? ` (${(f.ratio.value * 100).toFixed(0)}% of ${f.ratio.of})` : ''}`);
}

/** `quiet` silences the progress lines (the smoke test's run). */
export const output = { quiet: false };

export function progress(line: string): void {
  if (output.quiet) return;
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

const format = (v: number) => (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 2 }));

export function printTable(): string {
  const rows = figures.map((f) => [
    f.scenario,
    f.metric,
    `${format(f.value)} ${f.unit}`,
    f.ratio ? `${(f.ratio.value * 100).toFixed(0)}% of ${f.ratio.of}` : '',
    f.goal ?? '',
  ]);
  const header = ['SCENARIO', 'METRIC', 'VALUE', 'VS MACHINE LIMIT', 'GOAL'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(header), ...rows.map(line), ...failures.map((f) => `${f.scenario}: FAILED: ${f.error}`)].join('\n');
}

export function saveResults(params: object): string {
  const dir = join(__dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), machine: machine(), params, figures, failures }, null, 2));
  return file;
}

export function machine() {
  const os = require('node:os');
  // The load average says whether something else competed for the cores during the run.
  return { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadAverage: os.loadavg().map((l: number) => Number(l.toFixed(2))) };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** p50, p99 and max of a sample of latencies (ms), as three figures; nothing when the sample is empty. */
export function recordLatencies(scenario: string, what: string, ms: number[], goal?: string): void {
  const sorted = [...ms].sort((a, b) => a - b);
  if (!sorted.length) return progress(`${scenario}: ${what}: no samples`);
  record({ scenario, metric: `${what} p50 (n=${sorted.length})`, value: Math.round(percentile(sorted, 50)), unit: 'ms', ...(goal ? { goal } : {}) });
  record({ scenario, metric: `${what} p99`, value: Math.round(percentile(sorted, 99)), unit: 'ms' });
  record({ scenario, metric: `${what} max`, value: Math.round(sorted[sorted.length - 1]), unit: 'ms' });
}

/** The figures as a Markdown table, for the Results section of bench/README.md. */
export function markdownTable(): string {
  const rows = figures.map((f) => `| ${f.scenario} | ${f.metric} | ${format(f.value)} ${f.unit} | ${f.ratio ? `${(f.ratio.value * 100).toFixed(0)}% of ${f.ratio.of}` : ''} | ${f.goal ?? ''} |`);
  const failed = failures.map((f) => `| ${f.scenario} | FAILED: ${f.error.replace(/\|/g, '\\|')} | | | |`);
  return ['| scenario | metric | value | vs machine limit | goal |', '|---|---|---|---|---|', ...rows, ...failed].join('\n');
}
