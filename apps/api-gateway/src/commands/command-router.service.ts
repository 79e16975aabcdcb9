// How a command reaches its service: over NATS while the connection is up; over the service's own HTTP port
// when NATS is down or nobody subscribes (no responders) — then the command surely was not delivered, so
// sending it again cannot apply it twice. A command whose fate is unknown (the connection dropped while
// waiting for the reply, a timeout) is not resent: the caller gets a 503 and retries knowingly.
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { NoRespondersError, RequestError } from '@nats-io/transport-node';
import { type JetStreamClient, request } from '@everynode/messaging';
import { COMMAND_CLIENT } from '../config/tokens';
import { HttpCommandClient } from './http-commands.client';

const isNoResponders = (error: unknown) => error instanceof NoRespondersError || (error instanceof RequestError && error.isNoResponders());

@Injectable()
export class CommandRouter implements OnApplicationBootstrap {
  private readonly logger = new Logger('Commands');
  /** Whether the NATS connection is up now: a request sent while it is down would wait out its whole timeout. */
  private natsUp = false;
  private markLost = () => {};
  /** Settles when the connection drops: a request waiting for its reply then fails at once. */
  private lost = new Promise<void>((resolve) => (this.markLost = resolve));

  constructor(
    @Inject(COMMAND_CLIENT) private readonly client: JetStreamClient,
    private readonly http: HttpCommandClient,
  ) {}

  onApplicationBootstrap() {
    void this.followNats().catch((error) => this.logger.warn(`cannot follow the NATS connection: ${(error as Error).message}`));
  }

  /** A command whose data carries its meta. Rejects with the service's refusal as sent, or with an Error. */
  async deliver<T>(pattern: string, data: Record<string, unknown>): Promise<T> {
    if (this.natsUp) {
      const lost = this.lost.then(() => {
        throw new Error('the NATS connection dropped before the reply came; the command may or may not have been applied');
      });
      try {
        return await Promise.race([request<T>(this.client, pattern, data), lost]);
      } catch (error) {
        if (!isNoResponders(error)) throw error;
        this.logger.warn(`no service subscribed to ${pattern} on NATS; sending it over HTTP`);
      }
    }
    return this.http.send<T>(pattern, data);
  }

  private async followNats(): Promise<void> {
    const nc = await this.client.connect();
    this.natsUp = true;
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') {
        this.natsUp = false;
        this.markLost();
        this.lost = new Promise<void>((resolve) => (this.markLost = resolve));
        this.logger.warn('NATS disconnected: commands go to the services over HTTP');
      } else if (status.type === 'reconnect') {
        this.natsUp = true;
        this.logger.log('NATS reconnected: commands go over NATS again');
      }
    }
  }
}
