// Who is asking, for command meta (actor and the audit request line).
import type { Caller } from '../commands/command-bus.service';
import type { HttpRequest } from './http-types';
import { describeRequest } from './request-info';

export const callerOf = (req: HttpRequest): Caller => ({ user: req.user?.name ?? 'anonymous', request: describeRequest(req.method ?? 'GET', req.originalUrl) });

/** `?dryRun=All`: validate and answer, change nothing. */
export const isDryRun = (url: string, body?: { dryRun?: unknown }) =>
  /(?:^|[?&])dryRun=All(?:&|$)/.test(url.slice(url.indexOf('?') + 1)) || (Array.isArray(body?.dryRun) && body.dryRun.includes('All'));
