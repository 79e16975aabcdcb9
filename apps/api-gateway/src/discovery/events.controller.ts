// everynode records its history in the event log, not as core/v1 Events: `kubectl describe` and
// `kubectl get events` get an empty list instead of a 404.
import { Controller, Get, Res } from '@nestjs/common';
import type { HttpResponse } from '../http/http-types';
import { sendJson } from '../http/respond';
import { ClusterView } from '../read-model/cluster-view.service';

@Controller()
export class EventsController {
  constructor(private readonly view: ClusterView) {}

  @Get(['api/v1/events', 'api/v1/namespaces/:namespace/events'])
  list(@Res() res: HttpResponse) {
    sendJson(res, 200, { kind: 'EventList', apiVersion: 'v1', metadata: { resourceVersion: String(this.view.position) }, items: [] });
  }
}
