// Writing answers: JSON bodies with an exact Content-Type (kubectl decodes Tables and aggregated
// discovery by it).
import type { HttpResponse } from './http-types';

export const JSON_TYPE = 'application/json';

export function sendJson(res: HttpResponse, code: number, body: unknown, contentType = JSON_TYPE): void {
  const text = JSON.stringify(body);
  res.statusCode = code;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.setHeader('Cache-Control', 'no-cache, private');
  res.end(text);
}
