// Who is asking, for command meta (actor and the audit request line).
import type { Caller } from '../commands/command-bus.service';
import type { HttpRequest } from './http-types';
import { describeRequest } from './request-info';

export const callerOf = (req: HttpRequest): Caller => ({
  user: req.user?.name ?? 'anonymous',
  request: describeRequest(req.method ?? 'GET', req.originalUrl),
  ...(req.user?.node ? { node: req.user.node } : {}),
});

/** `?dryRun=All`: validate and answer, change nothing. */
export const isDryRun = (url: string) => url.includes('?') && new URLSearchParams(url.slice(url.indexOf('?') + 1)).getAll('dryRun').includes('All');
