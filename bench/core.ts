/**
 * The core's own CPU per routed request, in-process and without sockets: `router.handle()` from a
 * Fetch `Request` to the answer's body read, over a transport that answers from memory.
 */
import { ConfigManager, createRouter, type UpstreamFetch } from '../shared/index.ts';

const BODY = JSON.stringify({ ok: true, items: Array.from({ length: 10 }, (_, i) => ({ id: i, name: `item-${i}` })) });

/** The healthy provider's answer: 200 JSON. */
const ok = () =>
  new Response(BODY, {
    status: 200,
    headers: { 'content-type': 'application/json', 'content-length': String(BODY.length), 'cache-control': 'public, max-age=3600' },
  });

/** A transport answering from memory: 503 from provider `down`, 200 JSON from every other. */
const memoryTransport: UpstreamFetch = async (url) =>
  url.startsWith('http://down.test')
    ? new Response('{"error":"down"}', { status: 503, headers: { 'content-type': 'application/json' } })
    : ok();

async function routerFor(config: unknown, self?: string) {
  const manager = new ConfigManager({ source: 'kv', read: async () => ({ text: JSON.stringify(config) }), env: {}, log: () => {} });
  // With `self`, that provider's attempts are served in-process by a handler answering as the memory transport does.
  const local = self ? async () => ok() : undefined;
  // The log line is serialised (as every runtime does) but not written: writing is the runtime's cost.
  const log = (entry: unknown) => void JSON.stringify(entry);
  return createRouter({ config: manager, fetch: memoryTransport, runtime: 'bench', log, self, local });
}

/**
 * CPU microseconds (this process's user + system time, so GC threads count) per call of `one`,
 * after a warm-up, best of `repeats` batches. CPU time rather than wall time: on a shared machine
 * the wall clock also counts the time other processes held the cores.
 */
async function usPer(one: () => Promise<unknown>, iterations: number, repeats = 3): Promise<number> {
  for (let i = 0; i < Math.min(2000, iterations); i++) await one();
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const before = process.cpuUsage();
    for (let i = 0; i < iterations; i++) await one();
    const used = process.cpuUsage(before);
    best = Math.min(best, (used.user + used.system) / iterations);
  }
  return best;
}

/**
 * Prints us/request of the core for the plain hit (first provider answers 200), the miss (a path
 * that is not routed: `handle()` says `null`), one fallback (503, then 200), an in-process answer
 * (self first, a hosted app) and an edge-cache hit, beside the bare cost of making and reading
 * the in-memory upstream answer.
 */
export async function benchCore(opts: { quick: boolean }): Promise<void> {
  const iterations = opts.quick ? 3000 : 30_000;
  const up = 'http://up.test';
  const plain = await routerFor({ providers: { '1': up }, global_priority: '1' });
  const fallback = await routerFor({ providers: { '1': 'http://down.test', '2': up }, global_priority: '12' });
  const inProcess = await routerFor({ providers: { '1': 'http://self.test', '2': up }, global_priority: '12' }, '1');
  const cached = await routerFor({
    providers: { '1': up },
    global_priority: '1',
    routes: { task: { priority: '1', cache: true, cache_ttl_seconds: 3600 } },
  });
  const request = (path: string) =>
    new Request(`http://127.0.0.1:8787${path}`, { headers: { accept: 'application/json', 'user-agent': 'bench' } });
  const read = async (response: Response | null) => void (await response?.arrayBuffer());
  // The edge cache stores in the background: prime it once before measuring its hits.
  await read(await cached.handle(request('/task/api/items')));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const rows: Array<[string, () => Promise<unknown>]> = [
    [
      'bare: make + read the upstream answer (not core)',
      async () =>
        read(
          await memoryTransport(`${up}/x`, {
            method: 'GET',
            headers: new Headers(),
            body: null,
            signal: new AbortController().signal,
            redirect: 'manual',
          }),
        ),
    ],
    ['plain hit (provider 1 answers 200)', async () => read(await plain.handle(request('/task/api/items')))],
    ['miss (path not routed, handle() -> null)', async () => read(await plain.handle(request('/assets/app.js')))],
    ['one fallback (503, then 200)', async () => read(await fallback.handle(request('/task/api/items')))],
    ['self first, served in-process (a hosted app answers 200)', async () => read(await inProcess.handle(request('/task/api/items')))],
    ['edge-cache hit', async () => read(await cached.handle(request('/task/api/items')))],
  ];
  console.log(
    `\n## Core CPU per request (in-process, no sockets, Request -> handle() -> body read; CPU time, best of 3 x ${iterations}; goal <= 20 us for the plain hit)`,
  );
  console.log('| path | CPU us/request (incl. building the Request and reading the answer) |');
  console.log('|---|---|');
  const us: number[] = [];
  for (const [name, one] of rows) {
    us.push(await usPer(one, iterations));
    console.log(`| ${name} | ${us.at(-1)!.toFixed(1)} |`);
  }
  // The plain hit makes and reads exactly one upstream answer, as the bare row does: the difference is the core's own.
  console.log(`core alone on the plain hit (plain hit - bare): ${(us[1]! - us[0]!).toFixed(1)} us`);
}
