// Every refused request, HTTPS or gRPC, 401 or 403: one JSON log line (user, verb, path, reason) and a count
// (`everynode_auth_refusals_total{reason,code}` on /metrics), so probing and misconfigured agents show up.
import { Injectable, Logger } from '@nestjs/common';
import { MetricsRegistry } from '@everynode/platform';
import { requestInfo } from '../http/request-info';
import type { Refusal, RefusalRecord } from './refusal';

@Injectable()
export class AuthRefusals {
  private readonly logger = new Logger('Auth');
  private readonly refusals;

  constructor(metrics: MetricsRegistry) {
    this.refusals = metrics.counter('auth_refusals_total', 'Requests refused: 401 (no or unknown token) and 403 (outside the role), by reason.');
  }

  record(record: RefusalRecord): void {
    this.refusals.inc({ reason: record.reason, code: String(record.code) });
    this.logger.warn({ event: 'auth.refused', ...record });
  }

  /** Records a refusal of an HTTPS write (its caller's `request` is `METHOD /path`) and returns it, to be thrown. */
  refuse(refusal: Refusal, caller: { user: string; request: string }): Refusal {
    const [method = '', path = ''] = caller.request.split(' ', 2);
    const verb = requestInfo(method, path).verb;
    this.record({ user: caller.user, verb, path, reason: refusal.reason, code: refusal.status.code, message: refusal.status.message });
    return refusal;
  }
}
