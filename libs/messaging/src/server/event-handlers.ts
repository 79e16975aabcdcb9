import type { MessageHandler } from '@nestjs/microservices';

export const ALL_EVENTS = '*';

export interface EventHandlerRef {
  fn: MessageHandler;
  /** Registered with `{ batch: true }`: receives `RecordedEvent[]`. */
  batch: boolean;
  /**
   * Identifies the handler method. Nest registers a method once per pattern, all with the same
   * `extras` object, so one method subscribed to several types is called once per batch.
   */
  key: object;
}

/** The event handlers of one server, by event type (`'*'` = every type). */
export class EventHandlerRegistry {
  private readonly byType = new Map<string, EventHandlerRef[]>();
  private readonly resolved = new Map<string, EventHandlerRef[]>();

  add(type: string, fn: MessageHandler, extras: Record<string, unknown> | undefined): void {
    const list = this.byType.get(type) ?? [];
    list.push({ fn, batch: extras?.batch === true, key: extras ?? fn });
    this.byType.set(type, list);
    this.resolved.clear();
  }

  get types(): string[] {
    return [...this.byType.keys()];
  }

  get isEmpty(): boolean {
    return this.byType.size === 0;
  }

  /** Handlers of `type` plus the catch-all ones, each method once. */
  handlersFor(type: string): EventHandlerRef[] {
    let refs = this.resolved.get(type);
    if (!refs) {
      const seen = new Set<object>();
      refs = [...(this.byType.get(type) ?? []), ...(this.byType.get(ALL_EVENTS) ?? [])].filter(
        (h) => !seen.has(h.key) && seen.add(h.key),
      );
      this.resolved.set(type, refs);
    }
    return refs;
  }
}
