import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { answeringAttempt, statusAccess, type ConfigManager, type RequestLogEntry, type Router } from '../../shared/index.ts';

/** The path Prometheus scrapes. */
export const METRICS_PATH = '/_router/metrics';
/** Label of an app that has no route in the config: clients choose app names, labels must stay few. */
export const OTHER_APP = '_other';
/** Latency buckets in seconds: a local answer in ms, a timed-out attempt at `timeout_ms` (2.5 s by default). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const PREFIX = 'hadoku_route_';
const BREAKER_VALUE: Record<string, number> = { closed: 0, 'half-open': 1, open: 2 };

/** Where config problems are reported (ConfigManager's `log`). */
type ConfigLogSink = (line: Record<string, unknown>) => void;

/** What the metrics read at scrape time. */
export interface MetricsSources {
  /** The config owner: the key check and the reload gauges. */
  config: ConfigManager;
  /** The router: its `/_router/health` gives the breaker states. */
  router: Router;
}

/**
 * Prometheus metrics of the Express router (`GET /_router/metrics`, text format 0.0.4), built on
 * prom-client. Fed by the one log line per routed request and by the config log, so it counts
 * exactly what the log says; breaker states and config status are read at scrape time. The key is
 * the status page's ({@link statusAccess}). Labels stay bounded: `app` is a configured route or
 * `_other`, `provider` a config id, `code` an HTTP status.
 *
 * @example
 * const metrics = new PrometheusMetrics();
 * const config = await createFileConfig({ file, env, log: metrics.configLog() });
 * const router = createRouter({ config: config.manager, fetch, log: metrics.requestLog(writeJsonLine) });
 * metrics.bind({ config: config.manager, router });
 * http.createServer((req, res) => metrics.handle(req, res) || route(req, res, next));
 */
export class PrometheusMetrics {
  readonly registry = new Registry();
  readonly #requests = this.#counter(
    'requests_total',
    'Routed requests by app, answering provider ("router" for router-made answers) and status code.',
    ['app', 'provider', 'code'],
  );
  readonly #attempts = this.#counter('attempts_total', 'Attempts by app, provider and outcome (status class, timeout, error, aborted).', [
    'app',
    'provider',
    'outcome',
  ]);
  readonly #fallbacks = this.#counter('fallbacks_total', 'Attempts that failed and sent the request on, by app and failed provider.', [
    'app',
    'provider',
  ]);
  readonly #reloads = this.#counter('config_reloads_total', 'Config reloads: ok (a new config swapped in) or rejected (last good kept).', [
    'result',
  ]);
  readonly #duration = this.#histogram('request_duration_seconds', 'Whole routed request, all attempts, by app.', ['app']);
  readonly #attemptDuration = this.#histogram('attempt_duration_seconds', 'One attempt, to response headers or failure, by provider.', [
    'provider',
  ]);
  readonly #breaker = this.#gauge('breaker_state', 'Circuit breaker per provider: 0 closed, 1 half-open, 2 open.', ['provider']);
  readonly #breakerFailures = this.#gauge('breaker_consecutive_failures', 'Consecutive failures per provider.', ['provider']);
  readonly #lastReload = this.#gauge('config_last_reload_timestamp_seconds', 'When the config in use was loaded.', []);
  readonly #lastReloadOk = this.#gauge('config_last_reload_ok', '1 when the last reload was accepted, 0 when it was rejected.', []);
  readonly #configInfo = this.#gauge('config_info', 'The config in use (always 1).', ['source', 'version']);
  #sources: MetricsSources | undefined;
  #listed: ReadonlySet<string> = new Set();
  #listedVersion: string | undefined;
  #loadedAt: string | null | undefined;

  constructor() {
    // Process CPU, memory, event-loop lag and GC: the standard names every Node dashboard expects.
    collectDefaultMetrics({ register: this.registry });
    this.#reloads.inc({ result: 'ok' }, 0);
    this.#reloads.inc({ result: 'rejected' }, 0);
  }

  /** Connects the config and the router once both exist (the config log is needed before either). */
  bind(sources: MetricsSources): void {
    this.#sources = sources;
    this.#noteConfig();
  }

  /** A request-log sink that counts each entry, then hands it to `next`. */
  requestLog(next: (entry: RequestLogEntry) => void): (entry: RequestLogEntry) => void {
    return (entry) => {
      this.observe(entry);
      next(entry);
    };
  }

  /** A config-log sink that counts rejected reloads, then hands the line to `next` (default: JSON on stderr, as ConfigManager does). */
  configLog(next: ConfigLogSink = (line) => console.error(JSON.stringify(line))): ConfigLogSink {
    return (line) => {
      if (line.msg === 'config_rejected') this.#reloads.inc({ result: 'rejected' });
      next(line);
    };
  }

  /** Counts one routed request (its log line). Never throws. */
  observe(entry: RequestLogEntry): void {
    try {
      this.#noteConfig(entry.config_version);
      const app = this.#listed.has(entry.app) ? entry.app : OTHER_APP;
      this.#requests.inc({ app, provider: entry.provider ?? 'router', code: String(entry.status) });
      this.#duration.observe({ app }, entry.ms / 1000);
      const answered = answeringAttempt(entry);
      entry.attempts.forEach((a, i) => {
        const outcome = a.outcome === 'status' ? `${String(a.status).charAt(0)}xx` : a.outcome;
        this.#attempts.inc({ app, provider: a.provider, outcome });
        this.#attemptDuration.observe({ provider: a.provider }, a.ms / 1000);
        if (i !== answered && a.outcome !== 'aborted') this.#fallbacks.inc({ app, provider: a.provider });
      });
    } catch {
      // Metrics must never break routing.
    }
  }

  /** Serves `GET /_router/metrics`; `false` for any other path (the caller goes on). */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    if ((req.url ?? '').split('?')[0] !== METRICS_PATH) return false;
    void this.#serve(req, res).catch(() => writeText(res, 500, 'application/json', '{"error":"metrics unavailable"}'));
    return true;
  }

  /** The exposition text after refreshing the scrape-time gauges (no key check: for tests and benches). */
  async scrape(): Promise<string> {
    this.#noteConfig();
    this.#setConfigGauges();
    await this.#readBreakers();
    return this.registry.metrics();
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return writeText(res, 405, 'application/json', '{"error":"method not allowed"}', { allow: 'GET, HEAD' });
    }
    if (!this.#sources) return writeText(res, 503, 'application/json', '{"error":"metrics not ready"}');
    const access = statusAccess(nodeHeaders(req), await this.#sources.config.current());
    if (!access.ok) return writeText(res, 401, 'application/json', JSON.stringify({ error: 'unauthorized', header: access.header }));
    const text = await this.scrape();
    writeText(res, 200, this.registry.contentType, req.method === 'HEAD' ? '' : text);
  }

  async #readBreakers(): Promise<void> {
    if (!this.#sources) return;
    const health = await this.#sources.router.fetch(new Request('http://metrics.invalid/_router/health'));
    const body = (await health.json()) as { providers?: Record<string, { state: string; consecutive_failures: number }> };
    this.#breaker.reset();
    this.#breakerFailures.reset();
    for (const [provider, b] of Object.entries(body.providers ?? {})) {
      this.#breaker.set({ provider }, BREAKER_VALUE[b.state] ?? 0);
      this.#breakerFailures.set({ provider }, b.consecutive_failures);
    }
  }

  // A new `loaded_at` is an accepted reload (seen at each request and scrape). The listed apps are
  // re-read when the version changes, so app labels follow flips.
  #noteConfig(version?: string): void {
    const config = this.#sources?.config;
    if (!config) return;
    const status = config.status();
    if (this.#loadedAt !== undefined && status.loaded_at !== this.#loadedAt) this.#reloads.inc({ result: 'ok' });
    this.#loadedAt = status.loaded_at;
    if (version !== undefined && version === this.#listedVersion) return;
    void config.current().then(
      (c) => {
        this.#listed = new Set(c.routes.keys());
        this.#listedVersion = c.version;
      },
      () => {},
    );
  }

  #counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    return new Counter({ name: `${PREFIX}${name}`, help, labelNames, registers: [this.registry] });
  }

  #gauge<L extends string>(name: string, help: string, labelNames: L[]): Gauge<L> {
    return new Gauge({ name: `${PREFIX}${name}`, help, labelNames, registers: [this.registry] });
  }

  #histogram<L extends string>(name: string, help: string, labelNames: L[]): Histogram<L> {
    return new Histogram({ name: `${PREFIX}${name}`, help, labelNames, buckets: LATENCY_BUCKETS, registers: [this.registry] });
  }

  #setConfigGauges(): void {
    const status = this.#sources?.config.status();
    if (!status) return;
    this.#lastReload.set(status.loaded_at ? Date.parse(status.loaded_at) / 1000 : 0);
    this.#lastReloadOk.set(status.last_error === null ? 1 : 0);
    this.#configInfo.reset();
    this.#configInfo.set({ source: status.source, version: status.version ?? 'none' }, 1);
  }
}

function nodeHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

function writeText(res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body), ...extra });
  res.end(body);
}
