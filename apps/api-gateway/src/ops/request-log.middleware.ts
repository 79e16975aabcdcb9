// Counts every request by verb, resource and code, and logs writes (JSON lines, who did what).
import { Injectable, Logger } from '@nestjs/common';
import { MetricsRegistry } from '@everynode/platform';
import type { HttpRequest, HttpResponse } from '../http/http-types';
import { requestInfo } from '../http/request-info';

const WRITES = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

@Injectable()
export class RequestLogMiddleware {
  private readonly logger = new Logger('Http');
  private readonly requests;

  constructor(metrics: MetricsRegistry) {
    this.requests = metrics.counter('gateway_requests_total', 'API requests by verb, resource and HTTP code.');
  }

  readonly handle = (req: HttpRequest, res: HttpResponse, next: () => void): void => {
    const started = Date.now();
    const info = requestInfo(req.method ?? 'GET', req.originalUrl);
    const resource = info.isResourceRequest ? [info.resource, info.subresource].filter(Boolean).join('/') : 'nonresource';
    res.on('finish', () => {
      this.requests.inc({ verb: info.verb, resource, code: String(res.statusCode) });
      const line = `${req.method} ${req.originalUrl} ${res.statusCode} ${Date.now() - started}ms user=${req.user?.name ?? '-'}`;
      if (WRITES.has(info.verb) || res.statusCode >= 500) this.logger.log(line);
      else this.logger.debug(line);
    });
    next();
  };
}
