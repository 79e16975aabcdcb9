import type { Client } from 'pg';

export interface TailOptions {
  /** Events per read; default 1000. */
  batchSize?: number;
  /** Poll interval when no notification arrives, and the retry delay after errors; default 1000 ms. */
  pollMs?: number;
  /**
   * Called when a read or onBatch fails (the same batch is retried after pollMs) or the LISTEN
   * connection fails (it reconnects within a second). Default: console.error.
   */
  onError?: (err: Error) => void;
}

export interface Tail {
  /** Stops after the batch in progress (if any) has been handled. */
  stop(): Promise<void>;
}

/** Channel the event_log.events AFTER INSERT trigger notifies. */
const CHANNEL = 'event_log';

/**
 * Follows the log from `after`: reads the next batch, awaits `onBatch`, advances. Because
 * positions are gap-free and commit-ordered, "position > last handled" never skips an event.
 * LISTEN only shortens the wait; polling alone would be correct.
 */
export function followLog<E extends { position: number }>(
  read: (after: number, limit: number) => Promise<E[]>,
  newListenerClient: () => Client,
  after: number,
  onBatch: (events: E[]) => Promise<void>,
  { batchSize = 1000, pollMs = 1000, onError = (err) => console.error('event-store tail:', err) }: TailOptions = {},
): Tail {
  let stopped = false;
  let signalled = false;
  let wakeUp: (() => void) | undefined;

  const sleep = async () => {
    if (signalled || stopped) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, pollMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      wakeUp = done;
    });
    wakeUp = undefined;
  };

  const listening = listenForAppends(
    newListenerClient,
    () => {
      signalled = true;
      wakeUp?.();
    },
    { reconnectMs: Math.min(pollMs, 1000), onError },
  );

  const run = async () => {
    let position = after;
    while (!stopped) {
      signalled = false;
      try {
        const events = await read(position, batchSize);
        if (events.length > 0 && !stopped) {
          await onBatch(events);
          position = events[events.length - 1].position;
          continue;
        }
      } catch (err) {
        onError(err);
        signalled = false; // retry after pollMs, not in a tight loop
      }
      await sleep();
    }
  };

  const done = run();
  return {
    async stop() {
      stopped = true;
      wakeUp?.();
      await done;
      await listening.stop();
    },
  };
}

/**
 * Calls `onAppend` whenever something was appended to the log (and once LISTEN is set up: anything appended
 * before was not heard). On its own connection, reconnecting within `reconnectMs` when it fails.
 */
export function listenForAppends(
  newListenerClient: () => Client,
  onAppend: () => void,
  { reconnectMs = 1000, onError = (err: Error) => console.error('event-store listener:', err) }: { reconnectMs?: number; onError?: (err: Error) => void } = {},
): Tail {
  let stopped = false;
  let listener: Client | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  const listen = () => {
    let client: Client;
    try {
      client = newListenerClient();
    } catch (err) {
      onError(err as Error);
      if (!stopped) reconnectTimer = setTimeout(listen, reconnectMs);
      return;
    }
    listener = client;
    let failed = false;
    const reconnect = (err?: Error) => {
      if (failed) return;
      failed = true;
      if (err && !stopped) onError(err);
      client.end().catch(() => undefined);
      if (!stopped) reconnectTimer = setTimeout(listen, reconnectMs);
    };
    // Handlers stay attached: a late 'error' from a dead client must not become an uncaught exception.
    client.on('error', reconnect);
    client.on('end', () => reconnect());
    client.on('notification', () => onAppend());
    client
      .connect()
      .then(() => client.query(`LISTEN ${CHANNEL}`))
      .then(() => onAppend(), reconnect); // anything appended while we were not listening
  };
  listen();
  return {
    async stop() {
      stopped = true;
      clearTimeout(reconnectTimer);
      await listener?.end().catch(() => undefined);
    },
  };
}
