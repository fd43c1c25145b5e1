import { describe, expect, it } from 'vitest';
import { createRequest } from '../../functions/lambda/createRequest.ts';
import { InvalidEventError } from '../../functions/lambda/errors.ts';
import { isFunctionUrlEvent } from '../../functions/lambda/isFunctionUrlEvent.ts';
import { baseV2Event, withMethod } from './fixtures.ts';

describe('Function: createRequest', () => {
  it('builds the URL from domainName, rawPath and rawQueryString, keeping repeated keys', () => {
    // Act
    const request = createRequest({ ...baseV2Event, rawQueryString: 'a=1&a=2&b=x%20y' });
    // Assess
    expect(request.url).toBe('https://abc123.lambda-url.eu-west-1.on.aws/task/api/items?a=1&a=2&b=x%20y');
    expect(new URL(request.url).searchParams.getAll('a')).toEqual(['1', '2']);
  });

  it('has no "?" when the query string is empty', () => {
    expect(createRequest({ ...baseV2Event, rawQueryString: '' }).url).toBe('https://abc123.lambda-url.eu-west-1.on.aws/task/api/items');
  });

  it('normalises dot segments as WHATWG URL does', () => {
    expect(new URL(createRequest({ ...baseV2Event, rawPath: '/task/api/../../admin' }).url).pathname).toBe('/admin');
  });

  it('keeps a rawPath that looks like another origin on the event host', () => {
    const request = createRequest({ ...baseV2Event, rawPath: '//evil.example/task/api' });
    expect(new URL(request.url).host).toBe('abc123.lambda-url.eu-west-1.on.aws');
  });

  it('copies lower-cased, comma-joined headers and joins cookies[] into one cookie header', () => {
    // Prepare
    const event = { ...baseV2Event, headers: { ...baseV2Event.headers, 'x-multi': 'a,b' }, cookies: ['sid=1', 'theme=dark'] };
    // Act
    const request = createRequest(event);
    // Assess
    expect(request.headers.get('x-multi')).toBe('a,b');
    expect(request.headers.get('cookie')).toBe('sid=1; theme=dark');
    expect(request.headers.get('user-agent')).toBe('vitest');
  });

  it('decodes a base64 body byte for byte', async () => {
    // Prepare
    const bytes = Uint8Array.from([0, 255, 1, 254, 0x89, 0x50, 0x4e, 0x47]);
    const event = { ...withMethod(baseV2Event, 'POST'), body: Buffer.from(bytes).toString('base64'), isBase64Encoded: true };
    // Act
    const request = createRequest(event);
    // Assess
    expect(new Uint8Array(await request.arrayBuffer())).toEqual(bytes);
  });

  it('encodes a text body as UTF-8', async () => {
    const request = createRequest({ ...withMethod(baseV2Event, 'PUT'), body: '{"name":"né"}' });
    expect(await request.text()).toBe('{"name":"né"}');
  });

  it('drops a body sent with GET or HEAD instead of failing', () => {
    expect(createRequest({ ...withMethod(baseV2Event, 'HEAD'), body: 'x' }).body).toBeNull();
    expect(createRequest({ ...baseV2Event, body: 'x' }).body).toBeNull();
  });

  it('keeps the scheme of x-forwarded-proto http (the local shim) and defaults to https', () => {
    expect(createRequest({ ...baseV2Event, headers: { 'x-forwarded-proto': 'http' } }).url).toMatch(/^http:\/\//);
    expect(createRequest({ ...baseV2Event, headers: {} }).url).toMatch(/^https:\/\//);
  });

  const malformed: Array<[string, unknown]> = [
    ['null', null],
    ['a string', 'GET /'],
    ['an empty object', {}],
    ['a payload 1.0 event', { ...baseV2Event, version: '1.0' }],
    ['a rawPath without a leading slash', { ...baseV2Event, rawPath: '@evil.example/x' }],
    ['a rawQueryString with a fragment', { ...baseV2Event, rawQueryString: 'a=1#x' }],
    ['headers that are not strings', { ...baseV2Event, headers: { 'x-n': 1 } }],
    ['cookies that are not strings', { ...baseV2Event, cookies: [1] }],
    ['a domainName carrying a path', { ...baseV2Event, requestContext: { ...baseV2Event.requestContext, domainName: 'evil.example/x' } }],
    ['a missing http context', { ...baseV2Event, requestContext: { domainName: 'a.example' } }],
    ['a method that is not a token', withMethod(baseV2Event, 'GE T')],
    ['a header value with a newline', { ...baseV2Event, headers: { 'x-a': 'a\r\nb' } }],
    ['a body marked base64 that is not', { ...withMethod(baseV2Event, 'POST'), body: '%%%', isBase64Encoded: true }],
  ];
  it.each(malformed)('rejects %s with InvalidEventError', (_name, event) => {
    expect(() => createRequest(event as typeof baseV2Event)).toThrow(InvalidEventError);
  });

  it('agrees with the isFunctionUrlEvent type guard', () => {
    expect(isFunctionUrlEvent(baseV2Event)).toBe(true);
    expect(isFunctionUrlEvent({ ...baseV2Event, version: '1.0' })).toBe(false);
  });
  // SPEC 3.0: Host is only reported; one that is not a single valid host[:port] is refused.
  it.each(['h/open/api/x?', 'a b', 'one.example,two.example', 'h:99999'])('refuses Host %j with InvalidEventError', (host) => {
    expect(() => createRequest({ ...baseV2Event, headers: { ...baseV2Event.headers, host } })).toThrow(InvalidEventError);
  });

  it('never builds the URL from Host', () => {
    const request = createRequest({ ...baseV2Event, headers: { ...baseV2Event.headers, host: 'other.example:8080' } });
    expect(new URL(request.url).host).toBe('abc123.lambda-url.eu-west-1.on.aws');
    expect(request.headers.get('host')).toBe('other.example:8080');
  });
});
