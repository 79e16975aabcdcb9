import { Controller, Delete, Get, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import { callerOf, isDryRun } from '../http/caller';
import type { HttpRequest, HttpResponse } from '../http/http-types';
import { parseListOptions, queryOf } from '../http/list-options';
import { applyPatch, APPLY_PATCH, patchTypeOf } from '../http/patch';
import { parseObjectBody, parseYamlBody, readRawBody } from '../http/raw-body';
import { matchesOptions, ReadResponder } from '../http/read-responder.service';
import { sendJson } from '../http/respond';
import { ResourceReads } from '../http/resource-reads.service';
import { ClusterView } from '../read-model/cluster-view.service';
import { KINDS } from '../read-model/kinds';
import { DaemonSetWrites } from './daemonset-writes.service';
import { parseDeleteOptions } from './delete-options';

const DS = KINDS.daemonsets;
const COLLECTION = 'apis/apps/v1/namespaces/:namespace/daemonsets';
const OBJECT = `${COLLECTION}/:name`;

@Controller()
export class DaemonSetsController {
  constructor(
    private readonly reads: ResourceReads,
    private readonly responder: ReadResponder,
    private readonly writes: DaemonSetWrites,
    private readonly view: ClusterView,
  ) {}

  @Get(['apis/apps/v1/daemonsets', 'apis/apps/v1/watch/daemonsets'])
  listAll(@Req() req: HttpRequest, @Res() res: HttpResponse) {
    return this.reads.collection(req, res, DS);
  }

  @Get([COLLECTION, 'apis/apps/v1/watch/namespaces/:namespace/daemonsets'])
  list(@Req() req: HttpRequest, @Res() res: HttpResponse, @Param('namespace') namespace: string) {
    return this.reads.collection(req, res, DS, namespace);
  }

  @Get([OBJECT, 'apis/apps/v1/watch/namespaces/:namespace/daemonsets/:name', `${OBJECT}/status`])
  get(@Req() req: HttpRequest, @Res() res: HttpResponse, @Param('namespace') namespace: string, @Param('name') name: string) {
    return this.reads.one(req, res, DS, namespace, name);
  }

  @Post(COLLECTION)
  async create(@Req() req: HttpRequest, @Res() res: HttpResponse, @Param('namespace') namespace: string) {
    const created = await this.writes.create(namespace, await readRawBody(req), req.headers['content-type'], isDryRun(req.originalUrl), callerOf(req));
    this.responder.object(req, res, DS, created, 201);
  }

  @Put(OBJECT)
  async replace(@Req() req: HttpRequest, @Res() res: HttpResponse, @Param('namespace') namespace: string, @Param('name') name: string) {
    const body = await readRawBody(req);
    const updated = await this.writes.replace(namespace, name, body, req.headers['content-type'], isDryRun(req.originalUrl), callerOf(req));
    this.responder.object(req, res, DS, updated);
  }

  @Patch(OBJECT)
  async patch(
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Query('fieldManager') fieldManager?: string,
  ) {
    const body = await readRawBody(req);
    const opts = { fieldManager, dryRun: isDryRun(req.originalUrl) };
    const { object, code } = await this.writes.patch(namespace, name, body, req.headers['content-type'], opts, callerOf(req));
    this.responder.object(req, res, DS, object, code);
  }

  /** The status is the scheduler's to compute: a written one is checked for form, then answered with the computed one. */
  @Put(`${OBJECT}/status`)
  async replaceStatus(@Req() req: HttpRequest, @Res() res: HttpResponse, @Param('namespace') namespace: string, @Param('name') name: string) {
    parseObjectBody(await readRawBody(req), req.headers['content-type']);
    this.responder.object(req, res, DS, this.writes.status(namespace, name));
  }

  @Patch(`${OBJECT}/status`)
  async patchStatus(@Req() req: HttpRequest, @Res() res: HttpResponse, @Param('namespace') namespace: string, @Param('name') name: string) {
    const body = await readRawBody(req);
    const type = patchTypeOf(req.headers['content-type']);
    const current = this.writes.status(namespace, name);
    if (type === APPLY_PATCH) parseYamlBody(body);
    else applyPatch(type, current, body);
    this.responder.object(req, res, DS, current);
  }

  @Delete(OBJECT)
  async delete(@Req() req: HttpRequest, @Res() res: HttpResponse, @Param('namespace') namespace: string, @Param('name') name: string) {
    const options = parseDeleteOptions(await readRawBody(req), queryOf(req.originalUrl));
    this.responder.object(req, res, DS, await this.writes.delete(namespace, name, options, callerOf(req)));
  }

  @Delete(COLLECTION)
  async deleteCollection(@Req() req: HttpRequest, @Res() res: HttpResponse, @Param('namespace') namespace: string) {
    const query = queryOf(req.originalUrl);
    const options = parseDeleteOptions(await readRawBody(req), query);
    const selectors = parseListOptions(query, DS.kind);
    const items = await this.writes.deleteMatching(namespace, (o) => matchesOptions(DS, o, selectors), options, callerOf(req));
    sendJson(res, 200, { kind: DS.listKind, apiVersion: DS.apiVersion, metadata: { resourceVersion: String(this.view.position) }, items });
  }
}
