import { describe, expect, it } from 'vitest';
import { createResult, MAX_BUFFERED_BODY_BYTES } from '../../functions/lambda/createResult.ts';

describe('Function: createResult', () => {
  it('returns a JSON body as text with status and headers', async () => {
    // Act
    const result = await createResult(Response.json({ ok: true }, { status: 201, headers: { 'x-backend-source': 'p1' } }));
    // Assess
    expect(result).toMatchObject({ statusCode: 201, body: '{"ok":true}', isBase64Encoded: false });
    expect(result.headers).toMatchObject({ 'content-type': 'application/json', 'x-backend-source': 'p1' });
  });

  it('sends every Set-Cookie through cookies, none through headers', async () => {
    // Prepare
    const headers = new Headers({ 'content-type': 'text/plain' });
    headers.append('set-cookie', 'a=1; Path=/; HttpOnly');
    headers.append('set-cookie', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT');
    // Act
    const result = await createResult(new Response('hi', { headers }));
    // Assess
    expect(result.cookies).toEqual(['a=1; Path=/; HttpOnly', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT']);
    expect(result.headers).not.toHaveProperty('set-cookie');
  });

  it('base64-encodes binary bodies', async () => {
    const bytes = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 255]);
    const result = await createResult(new Response(bytes, { headers: { 'content-type': 'image/png' } }));
    expect(result.isBase64Encoded).toBe(true);
    expect(Buffer.from(result.body!, 'base64')).toEqual(Buffer.from(bytes));
  });

  it('base64-encodes content-encoded bodies even when the type is textual', async () => {
    const result = await createResult(
      new Response('not really gzip', { headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' } }),
    );
    expect(result.isBase64Encoded).toBe(true);
    expect(result.headers).toMatchObject({ 'content-encoding': 'gzip' });
  });

  it('base64-encodes a "text" body that is not valid UTF-8', async () => {
    const result = await createResult(new Response(Uint8Array.from([0xff, 0xfe]), { headers: { 'content-type': 'text/plain' } }));
    expect(result.isBase64Encoded).toBe(true);
  });

  it('answers HEAD with an empty body and the provider headers', async () => {
    const result = await createResult(new Response('body', { headers: { 'content-type': 'text/plain', 'x-a': '1' } }), 'HEAD');
    expect(result).toMatchObject({ statusCode: 200, body: '', isBase64Encoded: false });
    expect(result.headers).toMatchObject({ 'x-a': '1' });
  });

  it('keeps a redirect as it is', async () => {
    const result = await createResult(new Response(null, { status: 302, headers: { location: 'https://example.com/' } }));
    expect(result).toMatchObject({ statusCode: 302, headers: { location: 'https://example.com/' }, body: '' });
  });

  it('turns a body too large for a buffered answer into 502 JSON', async () => {
    const result = await createResult(
      new Response(new Uint8Array(MAX_BUFFERED_BODY_BYTES + 1), { headers: { 'content-type': 'application/octet-stream' } }),
    );
    expect(result.statusCode).toBe(502);
    expect(JSON.parse(result.body!)).toMatchObject({
      error: expect.stringContaining(String(MAX_BUFFERED_BODY_BYTES)),
      limit_bytes: MAX_BUFFERED_BODY_BYTES,
    });
  });

  it('answers 502 JSON, not a 500, when the body breaks off before it is whole (issue 11 item 9)', async () => {
    // Prepare
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(100));
        controller.error(new Error('connection closed mid-body'));
      },
    });
    // Act
    const result = await createResult(new Response(broken));
    // Assess
    expect(result.statusCode).toBe(502);
    expect(JSON.parse(result.body!)).toMatchObject({ error: expect.stringMatching(/broke off/) });
  });

  it('stops reading a stream at the limit instead of holding it whole (issue 11 item 8)', async () => {
    // Prepare: an endless body; reading it whole would never finish.
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1024 * 1024;
        controller.enqueue(new Uint8Array(1024 * 1024));
      },
    });
    // Act
    const result = await createResult(new Response(endless));
    // Assess
    expect(result.statusCode).toBe(502);
    expect(pulled).toBeLessThan(MAX_BUFFERED_BODY_BYTES + 4 * 1024 * 1024);
  });
});
