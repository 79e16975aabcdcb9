// Every request but the public health and version endpoints needs `Authorization: Bearer <token>`
// (401 otherwise). Viewers may only read (get, list, watch): anything else is a 403.
import { Inject, Injectable } from '@nestjs/common';
import { join } from 'node:path';
import type { GatewayConfig } from '../config/gateway-config';
import { GATEWAY_CONFIG } from '../config/tokens';
import type { HttpRequest, HttpResponse } from '../http/http-types';
import { requestInfo } from '../http/request-info';
import { sendJson } from '../http/respond';
import { forbidden, type KubeStatusError, unauthorized } from '../kube';
import { TokenAuthenticator, TOKENS_FILE, type User } from './tokens';

/** What anyone may call, as upstream's system:public-info-viewer role allows. */
const PUBLIC_PATHS = /^\/(healthz|livez|readyz)(\/.*)?$|^\/version\/?$/;
const READ_VERBS = new Set(['get', 'list', 'watch']);

/** The 403 a viewer gets for anything but a read. */
export function authorize(user: User, method: string, url: string): KubeStatusError | null {
  if (user.role === 'admin') return null;
  const info = requestInfo(method, url);
  if (!info.isResourceRequest) {
    return ['get', 'head'].includes(info.verb) ? null : forbidden({ user: user.name, verb: info.verb, path: url.split('?', 1)[0] });
  }
  if (READ_VERBS.has(info.verb)) return null;
  return forbidden({
    user: user.name,
    verb: info.verb,
    resource: info.resource ?? '',
    group: info.group,
    subresource: info.subresource,
    namespace: info.resource === 'namespaces' ? undefined : info.namespace,
    name: info.name,
  });
}

@Injectable()
export class AuthenticateMiddleware {
  private readonly tokens: TokenAuthenticator;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.tokens = new TokenAuthenticator(join(config.home, TOKENS_FILE));
  }

  readonly handle = (req: HttpRequest, res: HttpResponse, next: () => void): void => {
    const path = req.originalUrl.split('?', 1)[0];
    if (PUBLIC_PATHS.test(path)) return next();
    const token = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    const user = token ? this.tokens.authenticate(token) : null;
    if (!user) {
      const status = unauthorized().status;
      return sendJson(res, status.code, status);
    }
    const refused = authorize(user, req.method ?? 'GET', req.originalUrl);
    if (refused) return sendJson(res, refused.status.code, refused.status);
    req.user = user;
    next();
  };
}
