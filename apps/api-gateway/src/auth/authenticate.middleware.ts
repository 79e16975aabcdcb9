// Every request but the public health and version endpoints needs `Authorization: Bearer <token>`
// (401 otherwise), and must be within the token's role (403 otherwise, see authorize.ts). Each refusal
// is logged and counted (AuthRefusals).
import { Inject, Injectable } from '@nestjs/common';
import { join } from 'node:path';
import type { GatewayConfig } from '../config/gateway-config';
import { GATEWAY_CONFIG } from '../config/tokens';
import type { HttpRequest, HttpResponse } from '../http/http-types';
import { requestInfo } from '../http/request-info';
import { sendJson } from '../http/respond';
import { unauthorized } from '../kube';
import { ClusterView } from '../read-model/cluster-view.service';
import { AuthRefusals } from './auth-refusals.service';
import { authorize } from './authorize';
import { Refusal } from './refusal';
import { TokenAuthenticator, TOKENS_FILE } from './tokens';

/** What anyone may call, as upstream's system:public-info-viewer role allows. */
const PUBLIC_PATHS = /^\/(healthz|livez|readyz)(\/.*)?$|^\/version\/?$/;

@Injectable()
export class AuthenticateMiddleware {
  private readonly tokens: TokenAuthenticator;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly view: ClusterView,
    private readonly refusals: AuthRefusals,
  ) {
    this.tokens = new TokenAuthenticator(join(config.home, TOKENS_FILE));
  }

  readonly handle = (req: HttpRequest, res: HttpResponse, next: () => void): void => {
    const path = req.originalUrl.split('?', 1)[0];
    if (PUBLIC_PATHS.test(path)) return next();
    const method = req.method ?? 'GET';
    const token = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    const user = token ? this.tokens.authenticate(token) : null;
    const refused = user
      ? authorize(user, method, req.originalUrl, (namespace, name) => this.view.pod(namespace, name)?.pod.node)
      : new Refusal(token ? 'invalid_token' : 'no_token', unauthorized());
    if (refused) {
      const { status } = refused;
      this.refusals.record({ user: user?.name ?? null, verb: requestInfo(method, req.originalUrl).verb, path, reason: refused.reason, code: status.code, message: status.message });
      return sendJson(res, status.code, status);
    }
    req.user = user!;
    next();
  };
}
