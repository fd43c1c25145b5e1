import { Agent } from 'undici';
import type { UpstreamFetch, UpstreamInit } from '../../shared/index.ts';
import { NodeAnswer } from './nodeAnswer.ts';

/** EXPERIMENT: the upstream transport over an undici Agent. */
export function createUndiciTransport(options: { maxSockets?: number } = {}): UpstreamFetch & { close(): void } {
  const agent = new Agent({ connections: options.maxSockets ?? 256, pipelining: 1, keepAliveTimeout: 60_000 });
  const transport = async (url: string, init: UpstreamInit): Promise<Response> => {
    const slash = url.indexOf('/', url.indexOf('//') + 2);
    const origin = slash === -1 ? url : url.slice(0, slash);
    const path = slash === -1 ? '/' : url.slice(slash);
    const answer = await agent.request({
      origin,
      path,
      method: init.method as 'GET',
      headers: outgoingHeaders(init),
      body: init.body ?? null,
      signal: init.signal,
      responseHeaders: 'raw',
    });
    const headers = new Headers();
    const raw = answer.headers as unknown as Buffer[];
    for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!.toString('latin1'), raw[i + 1]!.toString('latin1'));
    const status = answer.statusCode;
    if (init.method === 'HEAD' || status === 204 || status === 205 || status === 304) {
      answer.body.resume();
      return new Response(null, { status, statusText: answer.statusText, headers });
    }
    return new NodeAnswer(answer.body, { status, statusText: answer.statusText, headers });
  };
  return Object.assign(transport, {
    close() {
      void agent.destroy();
    },
  });
}

const converted = new WeakMap<Headers, Record<string, string>>();

function outgoingHeaders(init: UpstreamInit): Record<string, string> {
  let base = converted.get(init.headers);
  if (base === undefined) {
    base = {};
    for (const [name, value] of init.headers) base[name] = value;
    converted.set(init.headers, base);
  }
  if (init.body) return { ...base, 'content-length': String(init.body.byteLength) };
  if (init.method !== 'GET' && init.method !== 'HEAD') return { ...base, 'content-length': '0' };
  return base;
}
