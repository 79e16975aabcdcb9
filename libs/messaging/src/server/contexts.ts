import { BaseRpcContext } from '@nestjs/microservices';
import type { MsgHdrs } from '@nats-io/transport-node';

type JetStreamContextArgs = [subject: string, deliveryCount: number, streamSequence: number, headers: MsgHdrs | undefined];

/**
 * `@Ctx()` of an event handler: where the message sits in the stream. A batch handler gets the
 * context of the batch's last message.
 */
export class JetStreamContext extends BaseRpcContext<JetStreamContextArgs> {
  get subject(): string {
    return this.args[0];
  }
  /** 1 on first delivery; grows with every redelivery. */
  get deliveryCount(): number {
    return this.args[1];
  }
  get streamSequence(): number {
    return this.args[2];
  }
  get headers(): MsgHdrs | undefined {
    return this.args[3];
  }
}

/** `@Ctx()` of a command handler. */
export class CommandContext extends BaseRpcContext<[subject: string, headers: Record<string, string>]> {
  get subject(): string {
    return this.args[0];
  }
  get headers(): Record<string, string> {
    return this.args[1];
  }
}
