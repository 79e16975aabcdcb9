// POST /internal/commands/<pattern>: the body and the answer are those of the NATS command (CommandRequest,
// CommandReply). Only for the platform's own callers: from loopback, or — when INTERNAL_COMMANDS_TOKEN is
// set — from anywhere with that token in `X-Everynode-Internal-Token`.
import { Body, Controller, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { CommandRequest } from '@everynode/messaging';
import { MetricsRegistry } from '../ops/metrics.registry';
import { CommandHandlers } from './command-handlers';

export const INTERNAL_TOKEN_HEADER = 'x-everynode-internal-token';
/** Injection token of the shared secret (undefined: loopback callers only). */
export const INTERNAL_COMMANDS_TOKEN = Symbol('INTERNAL_COMMANDS_TOKEN');

interface Request {
  socket: { remoteAddress?: string };
  headers: Record<string, string | string[] | undefined>;
}
interface Reply {
  status(code: number): { json(body: unknown): void };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

@Controller('internal/commands')
export class InternalCommandsController {
  private readonly served;

  constructor(
    private readonly handlers: CommandHandlers,
    @Inject(INTERNAL_COMMANDS_TOKEN) private readonly token: string | undefined,
    metrics: MetricsRegistry,
  ) {
    this.served = metrics.counter('commands_served_http_total', 'Commands served over HTTP (the fallback while NATS is away).');
  }

  @Post(':pattern')
  async serve(@Param('pattern') pattern: string, @Body() body: CommandRequest, @Req() req: Request, @Res() res: Reply): Promise<void> {
    const allowed = this.token ? sameSecret(req.headers[INTERNAL_TOKEN_HEADER], this.token) : LOOPBACK.test(req.socket.remoteAddress ?? '');
    if (!allowed) return res.status(403).json({ message: 'internal commands are for the platform’s own callers' });
    if (!this.handlers.has(pattern)) return res.status(404).json({ message: `no command handler for ${pattern}` });
    const reply = await this.handlers.invoke(pattern, { data: body?.data, headers: body?.headers });
    this.served.inc({ pattern });
    res.status(200).json(reply);
  }
}
