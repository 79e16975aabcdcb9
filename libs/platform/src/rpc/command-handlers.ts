// The service's command handlers, reachable without NATS: the api-gateway falls back to them over HTTP
// (POST /internal/commands/<pattern>) when NATS is down or nobody answered, so writes keep being accepted —
// the log is the truth, and the relay publishes the events once NATS is back.
import { Injectable } from '@nestjs/common';
import { isObservable, lastValueFrom } from 'rxjs';
import { subjects } from '@everynode/contracts';
import { CommandContext, type CommandReply, type CommandRequest, type JetStreamServer } from '@everynode/messaging';

@Injectable()
export class CommandHandlers {
  private server?: JetStreamServer;
  private prefix = '';

  /** Called by runService once the transport has registered the handlers. */
  attach(server: JetStreamServer, prefix: string): void {
    this.server = server;
    this.prefix = prefix;
  }

  has(pattern: string): boolean {
    return !!this.server?.getHandlerByPattern(pattern);
  }

  /** Runs the handler as a NATS delivery would (exception filters included); the reply has the NATS wire format. */
  async invoke(pattern: string, request: CommandRequest): Promise<CommandReply> {
    const handler = this.server?.getHandlerByPattern(pattern);
    if (!handler) throw new Error(`no command handler for ${pattern}`);
    try {
      const out = await handler(request.data, new CommandContext([subjects(this.prefix).command(pattern), request.headers ?? {}]));
      return { response: isObservable(out) ? await lastValueFrom(out, { defaultValue: undefined }) : out };
    } catch (err) {
      // The exception filter already made a thrown error an RPC error object (e.g. a Kubernetes Status).
      return { err: err instanceof Error ? { message: err.message } : err };
    }
  }
}
