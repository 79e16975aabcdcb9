// Group commit for node commands: joins, leaves and updates that arrive while a batch is being written wait
// for the next one, which takes them all — one transaction, one append under the log's lock, however many
// commands arrive at once. Nothing waits on a timer: a command arriving when nothing is in flight starts a
// batch at once (after the current turn of the event loop). Each command gets its own answer (a refused one its own 422/404/409).
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { MetricsRegistry } from '@everynode/platform';
import { NodeWrite, NodeWriter } from './node-writer';

/** Commands per transaction at most (a join-many of 500 nodes counts 500). */
export const MAX_BATCH = 2000;

interface Pending {
  write: NodeWrite;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

@Injectable()
export class NodeCommandQueue implements OnApplicationShutdown {
  private pending: Pending[] = [];
  private draining?: Promise<void>;
  private readonly batches;
  private readonly commands;

  constructor(
    private readonly writer: NodeWriter,
    metrics: MetricsRegistry,
  ) {
    this.batches = metrics.counter('node_command_batches_total', 'Transactions that wrote queued node commands (group commit).');
    this.commands = metrics.counter('node_commands_batched_total', 'Node commands written through the group-commit queue.');
  }

  /** Decides and appends one command with whatever else is queued; resolves once it is committed. */
  submit<T>(write: NodeWrite<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ write, resolve: resolve as (v: unknown) => void, reject });
      this.draining ??= this.drain().finally(() => (this.draining = undefined));
    });
  }

  /** Several commands that commit together (or are all refused, when one is). */
  submitAll<T>(writes: NodeWrite<T>[]): Promise<T[]> {
    const group = {};
    return Promise.all(writes.map((w) => this.submit({ ...w, group })));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.draining;
  }

  private async drain(): Promise<void> {
    // Commands that arrive in the same turn of the event loop (a join-many, one read of the NATS socket) go together.
    await new Promise((r) => setImmediate(r));
    while (this.pending.length) {
      // Never split a group: take whole groups up to MAX_BATCH (a single larger group goes alone).
      let take = Math.min(this.pending.length, MAX_BATCH);
      const group = this.pending[take - 1].write.group;
      if (group && take < this.pending.length && this.pending[take].write.group === group) {
        let start = take - 1;
        while (start > 0 && this.pending[start - 1].write.group === group) start--;
        if (start > 0) take = start; // the group waits for the next batch
        else while (take < this.pending.length && this.pending[take].write.group === group) take++; // or goes alone
      }
      const batch = this.pending.splice(0, take);
      try {
        const outcomes = await this.writer.batch(batch.map((p) => p.write));
        outcomes.forEach((o, i) => (o.ok ? batch[i].resolve(o.value) : batch[i].reject(o.error)));
        this.batches.inc();
        this.commands.inc({}, batch.length);
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
  }
}
