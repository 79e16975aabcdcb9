// Requests Node's HTTP parser refuses before any handler runs (headers too large, malformed request
// lines) get a Kubernetes Status too, instead of Node's bare `431`/`400` with no body.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { failure } from '@everynode/contracts';

/** Go's http.DefaultMaxHeaderBytes, which the API server keeps: a long selector fits (Node's default is 16 KiB). */
export const MAX_HEADER_BYTES = 1024 * 1024;

export function clientErrorResponse(error: NodeJS.ErrnoException): string {
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge
    ? failure(431, 'RequestHeaderFieldsTooLarge', `Request Header Fields Too Large: the request line and headers may have at most ${MAX_HEADER_BYTES} bytes`)
    : failure(400, 'BadRequest', `malformed HTTP request (${error.code ?? error.message})`);
  const body = JSON.stringify(status);
  const text = tooLarge ? 'Request Header Fields Too Large' : 'Bad Request';
  return `HTTP/1.1 ${status.code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorResponse(error));
  });
}
