// Writes go to the owning service as NATS commands — over the service's HTTP port when NATS is away (the
// log is the truth: the relay publishes the events once NATS is back). The reply is returned only once the
// read model has folded the log up to where it stood after the command, so the answer and the next GET agree.
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { internalError, isKubeStatus, KubeStatusError, serviceUnavailable } from '@everynode/contracts';
import type { CommandMeta } from '@everynode/contracts';
import { EventStore } from '@everynode/event-store';
import { type JetStreamClient, request } from '@everynode/messaging';
import { COMMAND_CLIENT } from '../config/tokens';
import { ClusterView } from '../read-model/cluster-view.service';
import { HttpCommandClient } from './http-commands.client';

/** Who asks, and the request line for the audit trail. */
export interface Caller {
  user: string;
  request: string;
  /** The node of a node token: writes admit only its own Node (auth/node-restriction.ts). */
  node?: string;
}

@Injectable()
export class CommandBus implements OnApplicationBootstrap {
  private readonly logger = new Logger('Commands');
  /** Whether the NATS connection is up now (a request sent while it is down would wait for its whole timeout). */
  private natsUp = false;

  constructor(
    @Inject(COMMAND_CLIENT) private readonly client: JetStreamClient,
    private readonly http: HttpCommandClient,
    private readonly store: EventStore,
    private readonly view: ClusterView,
  ) {}

  onApplicationBootstrap() {
    void this.followNats().catch((error) => this.logger.warn(`cannot follow the NATS connection: ${(error as Error).message}`));
  }

  /** Sends `pattern` with `payload` plus the command meta; throws KubeStatusError on any refusal. */
  async send<T>(pattern: string, payload: Record<string, unknown>, caller: Caller): Promise<T> {
    const meta: CommandMeta = { actor: caller.user, requestId: randomUUID(), request: caller.request };
    let reply: T;
    try {
      reply = await this.deliver<T>(pattern, { ...payload, meta });
    } catch (error) {
      throw this.translate(pattern, error);
    }
    await this.settle();
    return reply;
  }

  /**
   * A command whose data already carries its meta: over NATS while connected, else — or when nobody
   * answered — over the owning service's HTTP port. Rejects with the service's refusal as sent, or an Error.
   */
  async deliver<T>(pattern: string, data: Record<string, unknown>): Promise<T> {
    if (this.natsUp) {
      try {
        return await request<T>(this.client, pattern, data);
      } catch (error) {
        if (!(error instanceof Error)) throw error; // the service answered: a refusal
        // No responders, a timeout, the connection lost: the service may still be reachable directly.
        this.logger.warn(`NATS did not deliver ${pattern} (${error.message}); sending it over HTTP`);
      }
    }
    return this.http.send<T>(pattern, data);
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

  private async followNats(): Promise<void> {
    const nc = await this.client.connect();
    this.natsUp = true;
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') this.natsUp = false;
      else if (status.type === 'reconnect') this.natsUp = true;
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
