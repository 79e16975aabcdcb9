// The read verbs every resource shares: list or watch a collection, get or watch one object.
import { Injectable } from '@nestjs/common';
import type { KindInfo } from '../read-model/kinds';
import { KubeObjects } from '../read-model/kube-objects.service';
import { WatchService } from '../watch/watch.service';
import type { HttpRequest, HttpResponse } from './http-types';
import { parseListOptions, queryOf } from './list-options';
import { ReadResponder } from './read-responder.service';
import { requestInfo } from './request-info';

@Injectable()
export class ResourceReads {
  constructor(
    private readonly objects: KubeObjects,
    private readonly reads: ReadResponder,
    private readonly watches: WatchService,
  ) {}

  /** GET on a collection (`namespace` undefined: across all namespaces, or cluster-scoped). */
  collection(req: HttpRequest, res: HttpResponse, kind: KindInfo, namespace?: string): Promise<void> {
    const opts = parseListOptions(queryOf(req.originalUrl), kind.kind, requestInfo('GET', req.originalUrl).verb === 'watch');
    return opts.watch ? this.watches.serve(req, res, kind, namespace, opts) : this.reads.list(req, res, kind, namespace, opts);
  }

  /** GET on one object; a watch of one object is a watch of its collection by `metadata.name`. */
  async one(req: HttpRequest, res: HttpResponse, kind: KindInfo, namespace: string | undefined, name: string): Promise<void> {
    const opts = parseListOptions(queryOf(req.originalUrl), kind.kind, requestInfo('GET', req.originalUrl).verb === 'watch');
    if (opts.watch) {
      return this.watches.serve(req, res, kind, namespace, { ...opts, fieldSelector: [...opts.fieldSelector, { field: 'metadata.name', operator: '=', value: name }] });
    }
    this.reads.object(req, res, kind, this.objects.require(kind, namespace, name), 200, opts.includeObject);
  }
}
