import { Controller, Delete, Get, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import { callerOf } from '../http/caller';
import type { HttpRequest, HttpResponse } from '../http/http-types';
import { readRawBody } from '../http/raw-body';
import { ReadResponder } from '../http/read-responder.service';
import { ResourceReads } from '../http/resource-reads.service';
import { methodNotAllowed } from '../kube';
import { KINDS } from '../read-model/kinds';
import { PodWrites } from './pod-writes.service';

const PODS = KINDS.pods;

@Controller()
export class PodsController {
  constructor(
    private readonly reads: ResourceReads,
    private readonly responder: ReadResponder,
    private readonly writes: PodWrites,
  ) {}

  @Get(['api/v1/pods', 'api/v1/watch/pods'])
  listAll(@Req() req: HttpRequest, @Res() res: HttpResponse) {
    return this.reads.collection(req, res, PODS);
  }

  @Get(['api/v1/namespaces/:namespace/pods', 'api/v1/watch/namespaces/:namespace/pods'])
  list(@Req() req: HttpRequest, @Res() res: HttpResponse, @Param('namespace') namespace: string) {
    return this.reads.collection(req, res, PODS, namespace);
  }

  @Get(['api/v1/namespaces/:namespace/pods/:name', 'api/v1/watch/namespaces/:namespace/pods/:name', 'api/v1/namespaces/:namespace/pods/:name/status'])
  get(@Req() req: HttpRequest, @Res() res: HttpResponse, @Param('namespace') namespace: string, @Param('name') name: string) {
    return this.reads.one(req, res, PODS, namespace, name);
  }

  // Pods belong to their DaemonSet: they are changed through it, not one by one.
  @Post('api/v1/namespaces/:namespace/pods')
  create() {
    throw methodNotAllowed('create', 'pods');
  }

  @Put('api/v1/namespaces/:namespace/pods/:name')
  replace() {
    throw methodNotAllowed('update', 'pods');
  }

  @Patch('api/v1/namespaces/:namespace/pods/:name')
  patch() {
    throw methodNotAllowed('patch', 'pods');
  }

  // A kubelet reports what its pod does (pod.status to the scheduler); only the status is read.
  @Put('api/v1/namespaces/:namespace/pods/:name/status')
  async replaceStatus(@Req() req: HttpRequest, @Res() res: HttpResponse, @Param('namespace') namespace: string, @Param('name') name: string) {
    const pod = await this.writes.replaceStatus(namespace, name, await readRawBody(req), req.headers['content-type'], callerOf(req));
    this.responder.object(req, res, PODS, pod);
  }

  @Patch('api/v1/namespaces/:namespace/pods/:name/status')
  async patchStatus(
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Query('fieldManager') fieldManager?: string,
  ) {
    const pod = await this.writes.patchStatus(namespace, name, await readRawBody(req), req.headers['content-type'], fieldManager, callerOf(req));
    this.responder.object(req, res, PODS, pod);
  }

  @Delete('api/v1/namespaces/:namespace/pods/:name')
  async delete(@Req() req: HttpRequest, @Res() res: HttpResponse, @Param('namespace') namespace: string, @Param('name') name: string) {
    this.responder.object(req, res, PODS, await this.writes.delete(namespace, name, callerOf(req)));
  }
}
