import { clientErrorResponse, MAX_HEADER_BYTES } from './client-errors';

// Found by the API fuzzer: a 20 KB labelSelector got Node's bare 431 (no Status, no body).
describe('requests the HTTP parser refuses', () => {
  const parts = (raw: string) => {
    const [head, body] = raw.split('\r\n\r\n');
    return { statusLine: head.split('\r\n')[0], body: JSON.parse(body) };
  };

  it('answers headers over the limit with a 431 Status', () => {
    const error = Object.assign(new Error('Header overflow'), { code: 'HPE_HEADER_OVERFLOW' });
    expect(parts(clientErrorResponse(error))).toEqual({
      statusLine: 'HTTP/1.1 431 Request Header Fields Too Large',
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `Request Header Fields Too Large: the request line and headers may have at most ${MAX_HEADER_BYTES} bytes`,
        reason: 'RequestHeaderFieldsTooLarge',
        code: 431,
      },
    });
  });

  it('answers a malformed request with a 400 Status', () => {
    const error = Object.assign(new Error('Invalid method encountered'), { code: 'HPE_INVALID_METHOD' });
    expect(parts(clientErrorResponse(error))).toMatchObject({ statusLine: 'HTTP/1.1 400 Bad Request', body: { kind: 'Status', code: 400, reason: 'BadRequest', message: 'malformed HTTP request (HPE_INVALID_METHOD)' } });
  });
});
