// Heartbeats are chatter, not history: leases live in memory and only their transitions reach the log.
import { Injectable } from '@nestjs/common';

@Injectable()
export class LeaseTable {
  private readonly lastSeen = new Map<string, number>();
  /** When each node was first seen unreachable (for node garbage collection). */
  private readonly unreachableSince = new Map<string, number>();

  renew(name: string, now = Date.now()): void {
    this.lastSeen.set(name, now);
    this.unreachableSince.delete(name);
  }

  /** A node the registry has not heard from yet (e.g. after a restart) gets a full lease of grace. */
  lastHeartbeat(name: string, now = Date.now()): number {
    let seen = this.lastSeen.get(name);
    if (seen === undefined) {
      seen = now;
      this.lastSeen.set(name, now);
    }
    return seen;
  }

  markUnreachable(name: string, now = Date.now()): number {
    let since = this.unreachableSince.get(name);
    if (since === undefined) {
      since = now;
      this.unreachableSince.set(name, now);
    }
    return since;
  }

  forget(name: string): void {
    this.lastSeen.delete(name);
    this.unreachableSince.delete(name);
  }
}
