// The slices of express' request and response the gateway uses (express ships no types here).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { User } from '../auth/tokens';

export interface HttpRequest extends IncomingMessage {
  originalUrl: string;
  params: Record<string, string>;
  /** Set by the authentication middleware. */
  user?: User;
}

export type HttpResponse = ServerResponse;
