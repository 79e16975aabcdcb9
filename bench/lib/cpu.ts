// CPU seconds each part of the system spends on a piece of work: every service process, the PostgreSQL
// backends serving the bench database and the NATS server. Unlike wall time this does not depend on what
// else the machine is doing, so it says where the time goes even on a busy 2-core machine.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Stack } from '../../test/support/stack';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function cpuTicks(pid: number): number {
  try {
    // Fields after the ")" of the command name: state is field 3, utime 14, stime 15 (1-based).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0; // exited
  }
}

function pgrep(pattern: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export class CpuMeter {
  private start = new Map<string, number>();
  private pgStart = new Map<number, number>();

  constructor(private readonly stack: Stack) {}

  private services(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [name, child] of this.stack.processes) if (child.pid) out.set(name, cpuTicks(child.pid));
    out.set('nats-server', pgrep('nats-server').reduce((n, pid) => n + cpuTicks(pid), 0));
    return out;
  }

  /** PostgreSQL backends connected to the bench database (each is its own process). */
  private async backends(): Promise<Map<number, number>> {
    const rows: { pid: number }[] = await this.stack.db.adminDataSource.query(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return new Map(rows.map((r) => [r.pid, cpuTicks(r.pid)]));
  }

  async begin(): Promise<this> {
    this.start = this.services();
    this.pgStart = await this.backends();
    return this;
  }

  /** CPU seconds since `begin`, by part. Backends that connected meanwhile count from zero. */
  async end(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const [name, ticks] of this.services()) out.set(name, (ticks - (this.start.get(name) ?? 0)) / TICKS_PER_SECOND);
    let pg = 0;
    for (const [pid, ticks] of await this.backends()) pg += ticks - (this.pgStart.get(pid) ?? 0);
    out.set('postgres', pg / TICKS_PER_SECOND);
    return out;
  }
}
