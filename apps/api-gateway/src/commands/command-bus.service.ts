// Writes go to the owning service as commands (over NATS, or its HTTP port while NATS is away: CommandRouter).
// The reply is returned only once the read model has folded the log up to where it stood after the command,
// so the answer and the next GET agree.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { failure, internalError, isKubeStatus, KubeStatusError, serviceUnavailable } from '@everynode/contracts';
import type { CommandMeta } from '@everynode/contracts';
import { EventStore } from '@everynode/event-store';
import type { JetStreamClient } from '@everynode/messaging';
import type { NatsConnection } from '@nats-io/transport-node';
import { COMMAND_CLIENT } from '../config/tokens';
import { ClusterView } from '../read-model/cluster-view.service';
import { CommandRouter } from './command-router.service';

/** Room for the command's meta and envelope around its payload. */
const ENVELOPE_BYTES = 4096;

/** Who asks, and the request line for the audit trail. */
export interface Caller {
  user: string;
  request: string;
  /** The node of a node token: writes admit only its own Node (auth/node-restriction.ts). */
  node?: string;
}

@Injectable()
export class CommandBus {
  private readonly logger = new Logger('Commands');

  constructor(
    @Inject(COMMAND_CLIENT) private readonly client: JetStreamClient,
    private readonly router: CommandRouter,
    private readonly store: EventStore,
    private readonly view: ClusterView,
  ) {}

  /** Sends `pattern` with `payload` plus the command meta; throws KubeStatusError on any refusal. */
  async send<T>(pattern: string, payload: Record<string, unknown>, caller: Caller): Promise<T> {
    const meta: CommandMeta = { actor: caller.user, requestId: randomUUID(), request: caller.request };
    this.checkSize(payload);
    let reply: T;
    try {
      reply = await this.router.deliver<T>(pattern, { ...payload, meta });
    } catch (error) {
      throw this.translate(pattern, error);
    }
    await this.settle();
    return reply;
  }

  /** Waits until the read model has folded everything committed so far. */
  async settle(): Promise<void> {
    let head: number;
    try {
      head = await this.store.headPosition();
    } catch (error) {
      throw serviceUnavailable(`the event log is not reachable: ${(error as Error).message}`);
    }
    await this.view.waitFor(head);
  }

  /**
   * A command travels in one NATS message: one larger than the server's max_payload (less room for
   * the envelope) cannot be sent at all, and is the client's to shrink (413), not a missing service.
   */
  private checkSize(payload: Record<string, unknown>): void {
    let maxPayload: number | undefined;
    try {
      maxPayload = this.client.unwrap<NatsConnection>().info?.max_payload;
    } catch {
      return; // never connected: the router picks another way, or reports it
    }
    if (!maxPayload) return;
    const size = Buffer.byteLength(JSON.stringify(payload));
    if (size > maxPayload - ENVELOPE_BYTES) {
      throw new KubeStatusError(failure(413, 'RequestEntityTooLarge', `Request entity too large: the object is ${size} bytes, the limit is ${maxPayload - ENVELOPE_BYTES}`));
    }
  }

  private translate(pattern: string, error: unknown): KubeStatusError {
    if (isKubeStatus(error)) return new KubeStatusError(error);
    if (error instanceof Error) {
      // Timeouts, no responders, a closed connection: the service (or NATS) is not there right now.
      return serviceUnavailable(`the service for ${pattern} did not answer (${error.name}: ${error.message}); try again`);
    }
    this.logger.error(`unexpected reply to ${pattern}: ${JSON.stringify(error)}`);
    return internalError(`the service for ${pattern} failed: ${JSON.stringify(error)}`);
  }
}
