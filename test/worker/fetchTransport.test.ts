import { describe, expect, inject, it } from 'vitest';
import { createFetchTransport } from '../../functions/worker/fetchTransport.ts';
import { COMPRESSIBLE_TEXT } from './fixtures.ts';

const base = `http://127.0.0.1:${inject('upstreamPort')}`;
const init = () => ({
  method: 'GET',
  headers: new Headers({ 'accept-encoding': 'gzip, br' }),
  body: null,
  signal: new AbortController().signal,
  redirect: 'manual' as const,
});

describe('Function: createFetchTransport (inside workerd)', () => {
  it.each(['gzip', 'br'])('hands back a %s answer decoded, without the headers that described the encoded bytes', async (coding) => {
    // Act
    const response = await createFetchTransport()(`${base}/task/api/${coding}`, init());

    // Assess: workerd decoded the body, so the header must not claim otherwise
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(response.headers.get('content-length')).toBeNull();
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(await response.text()).toBe(COMPRESSIBLE_TEXT);
  });

  it('does not follow a redirect: the 302 comes back as it is', async () => {
    const response = await createFetchTransport()(`${base}/task/api/redirect`, init());

    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/task/api/echo');
  });

  it('rejects when the attempt is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('attempt timeout'));

    await expect(createFetchTransport()(`${base}/task/api/echo`, { ...init(), signal: controller.signal })).rejects.toThrow();
  });
});

describe('Function: createFetchTransport, refused port', () => {
  it('rejects on a refused connection', async () => {
    await expect(createFetchTransport()(`http://127.0.0.1:${inject('deadPort')}/x`, init())).rejects.toThrow(/Network connection lost/);
  });
});
