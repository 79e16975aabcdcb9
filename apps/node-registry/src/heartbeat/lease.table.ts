// Heartbeats are chatter, not history: leases live in memory and only their transitions reach the log.
//
// Every operation is O(1) per node, and the sweep touches only what expires: leases are kept in a Map in
// renewal order (a renewal moves the node to the end), so the nodes whose lease ran out are a prefix of it;
// nodes found unreachable are kept the same way, ordered by when they were found. Renewal times come from
// Date.now() of concurrent handlers, so the order may be off by the few milliseconds they overlap: such a
// lease is then found at most that much later.
import { Injectable } from '@nestjs/common';
import type { ConditionStatus } from '@everynode/contracts';

@Injectable()
export class LeaseTable {
  /** Members with a lease: name -> last heartbeat, in renewal order. */
  private readonly lastSeen = new Map<string, number>();
  /** Members whose lease ran out: name -> when they were found unreachable, in that order (node garbage collection). */
  private readonly unreachableSince = new Map<string, number>();
  /** Members whose recorded readiness is not True: a heartbeat from one is recorded (Ready again). */
  private readonly notReady = new Set<string>();

  /** Whether the registry tracks this node (a member it knows of). */
  has(name: string): boolean {
    return this.lastSeen.has(name) || this.unreachableSince.has(name);
  }

  get size(): number {
    return this.lastSeen.size + this.unreachableSince.size;
  }

  /** A heartbeat (or a join): the lease starts again. True when the node's readiness must be recorded True again. */
  renew(name: string, now = Date.now()): boolean {
    this.lastSeen.delete(name);
    this.lastSeen.set(name, now);
    const wasUnreachable = this.unreachableSince.delete(name);
    return wasUnreachable || this.notReady.has(name);
  }

  /**
   * A member the registry has not heard from yet (at start, for every node of the projection): it gets a
   * full lease of grace; its recorded readiness is remembered. A node already tracked keeps its lease.
   */
  track(name: string, ready: ConditionStatus, now = Date.now()): void {
    if (!this.has(name)) this.lastSeen.set(name, now);
    this.recorded(name, ready);
  }

  /** What the log says of the node's readiness now (after a write), or null when it is no member. */
  recorded(name: string, ready: ConditionStatus | null): void {
    if (ready === null) return this.forget(name);
    if (ready === 'True') this.notReady.delete(name);
    else this.notReady.add(name);
  }

  isNotReady(name: string): boolean {
    return this.notReady.has(name);
  }

  /** When the node's last heartbeat was, or undefined when it has no lease (unreachable or unknown). */
  lastHeartbeat(name: string): number | undefined {
    return this.lastSeen.get(name);
  }

  unreachableSinceOf(name: string): number | undefined {
    return this.unreachableSince.get(name);
  }

  /**
   * Nodes whose lease ran out by `now` (no heartbeat for `leaseMs`): moved to unreachable, found at `now`.
   * Costs only the nodes returned.
   */
  expire(now: number, leaseMs: number): string[] {
    const expired: string[] = [];
    for (const [name, seen] of this.lastSeen) {
      if (now - seen < leaseMs) break;
      expired.push(name);
    }
    for (const name of expired) {
      this.lastSeen.delete(name);
      this.unreachableSince.set(name, now);
    }
    return expired;
  }

  /** Unreachable nodes found at least `afterMs` before `now` (oldest first); they stay until forgotten. */
  unreachableFor(now: number, afterMs: number): string[] {
    const due: string[] = [];
    for (const [name, since] of this.unreachableSince) {
      if (now - since < afterMs) break;
      due.push(name);
    }
    return due;
  }

  forget(name: string): void {
    this.lastSeen.delete(name);
    this.unreachableSince.delete(name);
    this.notReady.delete(name);
  }
}
