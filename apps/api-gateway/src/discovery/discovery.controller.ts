// Discovery (legacy and aggregated), /version and OpenAPI v3: what kubectl reads before anything else.
import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { HttpRequest, HttpResponse } from '../http/http-types';
import { notFoundPath } from '../http/kube-errors';
import { sendJson } from '../http/respond';
import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroupList,
  apiResourceList,
  apiVersions,
  openApiV3Document,
  openApiV3Index,
  VERSION_INFO,
  wantsAggregatedDiscovery,
} from '../kube';

@Controller()
export class DiscoveryController {
  @Get('version')
  version(@Res() res: HttpResponse) {
    sendJson(res, 200, VERSION_INFO);
  }

  @Get('api')
  api(@Req() req: HttpRequest, @Res() res: HttpResponse) {
    if (wantsAggregatedDiscovery(req.headers.accept)) return sendJson(res, 200, aggregatedDiscovery('api'), AGGREGATED_DISCOVERY_CONTENT_TYPE);
    sendJson(res, 200, apiVersions(req.socket.localAddress ? `${req.socket.localAddress}:${req.socket.localPort}` : undefined));
  }

  @Get('apis')
  apis(@Req() req: HttpRequest, @Res() res: HttpResponse) {
    if (wantsAggregatedDiscovery(req.headers.accept)) return sendJson(res, 200, aggregatedDiscovery('apis'), AGGREGATED_DISCOVERY_CONTENT_TYPE);
    sendJson(res, 200, apiGroupList());
  }

  @Get('api/:version')
  coreResources(@Res() res: HttpResponse, @Param('version') version: string) {
    const list = apiResourceList(version);
    if (!list) throw notFoundPath();
    sendJson(res, 200, list);
  }

  @Get('apis/:group')
  group(@Res() res: HttpResponse, @Param('group') group: string) {
    const found = apiGroupList().groups.find((g) => g.name === group);
    if (!found) throw notFoundPath();
    sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...found });
  }

  @Get('apis/:group/:version')
  groupResources(@Res() res: HttpResponse, @Param('group') group: string, @Param('version') version: string) {
    const list = apiResourceList(`${group}/${version}`);
    if (!list) throw notFoundPath();
    sendJson(res, 200, list);
  }

  @Get('openapi/v3')
  openApiIndex(@Res() res: HttpResponse) {
    sendJson(res, 200, openApiV3Index());
  }

  @Get(['openapi/v3/api/:version', 'openapi/v3/apis/:group/:version'])
  openApi(@Req() req: HttpRequest, @Res() res: HttpResponse) {
    const path = req.originalUrl.split('?', 1)[0].replace(/^\/openapi\/v3\//, '');
    const document = openApiV3Document(path);
    if (!document) throw notFoundPath();
    sendJson(res, 200, document);
  }
}
