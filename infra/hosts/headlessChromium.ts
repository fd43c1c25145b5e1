/**
 * Drives the system's headless Chromium (Debian's `chromium` package) over the DevTools protocol,
 * with Node's built-in WebSocket: no puppeteer, no browser download. Enough for a page test:
 * navigate, wait for loads, evaluate an expression, and collect every console error, uncaught
 * exception and browser log error (a failed favicon or a CSP violation counts). Used by the
 * status page's browser test and by `bench/status.ts` (first paint).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Where Debian installs it; `CHROMIUM` overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** `true` when the browser binary is there. */
export const hasChromium = existsSync(CHROMIUM_PATH);

/** One page under remote control. */
export interface ChromiumPage {
  /** Console errors, uncaught exceptions and browser log errors seen so far. */
  readonly errors: string[];
  /** Navigates and resolves once the page's load event fired. */
  goto(url: string, timeoutMs?: number): Promise<void>;
  /** Resolves at the next load event (a meta refresh is a navigation). */
  nextLoad(timeoutMs?: number): Promise<void>;
  /** Sends headers with every request of this page (a status key). */
  setHeaders(headers: Record<string, string>): Promise<void>;
  /** Evaluates an expression in the page and returns its value (JSON-serialisable). */
  evaluate<T>(expression: string): Promise<T>;
  close(): Promise<void>;
}

type Pending = { resolve(value: Record<string, unknown>): void; reject(error: Error): void };

/**
 * Starts a headless Chromium with a throwaway profile and opens one page on it.
 *
 * @example
 * const page = await openChromiumPage();
 * await page.goto('http://127.0.0.1:8787/_router/status');
 * expect(page.errors).toEqual([]);
 */
export async function openChromiumPage(): Promise<ChromiumPage> {
  const profile = mkdtempSync(path.join(tmpdir(), 'hadoku-chromium-'));
  const browser = spawn(
    CHROMIUM_PATH,
    [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-extensions',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-default-browser-check',
      '--remote-debugging-address=127.0.0.1',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const stop = () => stopBrowser(browser, profile);
  try {
    const port = await devtoolsPort(browser);
    const list = await fetch(`http://127.0.0.1:${port}/json/list`);
    const targets = (await list.json()) as Array<{ type: string; webSocketDebuggerUrl: string }>;
    const target = targets.find((t) => t.type === 'page');
    if (!target) throw new Error('chromium: no page target');
    return await connect(target.webSocketDebuggerUrl, stop);
  } catch (error) {
    await stop();
    throw error;
  }
}

async function connect(wsUrl: string, stop: () => Promise<void>): Promise<ChromiumPage> {
  const ws = new WebSocket(wsUrl);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new Error(`chromium: cannot connect to ${wsUrl}`)), { once: true });
  });
  const pending = new Map<number, Pending>();
  const loadWaiters: Array<() => void> = [];
  const errors: string[] = [];
  let nextId = 1;
  ws.addEventListener('message', (event) => {
    // biome-ignore lint/suspicious/noExplicitAny: DevTools protocol messages are untyped JSON
    const msg = JSON.parse(String(event.data)) as { id?: number; method?: string; params?: any; result?: any; error?: { message: string } };
    if (msg.id !== undefined) {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(`chromium: ${msg.error.message}`));
      else p?.resolve(msg.result ?? {});
      return;
    }
    if (msg.method === 'Page.loadEventFired') for (const wake of loadWaiters.splice(0)) wake();
    const p = msg.params;
    if (msg.method === 'Runtime.consoleAPICalled' && p.type === 'error') errors.push(`console: ${JSON.stringify(p.args)}`);
    if (msg.method === 'Runtime.exceptionThrown') errors.push(`exception: ${p.exceptionDetails?.text}`);
    if (msg.method === 'Log.entryAdded' && p.entry.level === 'error') errors.push(`log: ${p.entry.text} ${p.entry.url ?? ''}`);
  });
  const send = (method: string, params: Record<string, unknown> = {}) =>
    // biome-ignore lint/suspicious/noExplicitAny: DevTools protocol results are untyped JSON
    new Promise<Record<string, any>>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, params }));
    });
  const nextLoad = (timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`chromium: no load event within ${timeoutMs} ms`)), timeoutMs);
      loadWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  await Promise.all([send('Page.enable'), send('Runtime.enable'), send('Log.enable'), send('Network.enable')]);
  return {
    errors,
    nextLoad,
    async goto(url, timeoutMs) {
      const loaded = nextLoad(timeoutMs);
      await send('Page.navigate', { url });
      await loaded;
    },
    async setHeaders(headers) {
      await send('Network.setExtraHTTPHeaders', { headers });
    },
    async evaluate<T>(expression: string) {
      const out = await send('Runtime.evaluate', { expression, returnByValue: true });
      if (out.exceptionDetails) throw new Error(`chromium: ${expression} threw ${out.exceptionDetails.text}`);
      return out.result.value as T;
    },
    async close() {
      ws.close();
      await stop();
    },
  };
}

/** Reads "DevTools listening on ws://127.0.0.1:PORT/..." from the browser's stderr. */
function devtoolsPort(browser: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`chromium: no DevTools port within 20 s; stderr: ${seen.slice(-500)}`)), 20_000);
    browser.stderr!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    browser.once('exit', (code) => reject(new Error(`chromium exited with ${code} before DevTools listened; stderr: ${seen.slice(-500)}`)));
  });
}

async function stopBrowser(browser: ChildProcess, profile: string): Promise<void> {
  if (browser.exitCode === null && browser.signalCode === null) {
    const exited = new Promise((r) => browser.once('exit', r));
    browser.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (browser.exitCode === null && browser.signalCode === null) browser.kill('SIGKILL');
  }
  // Helper processes may still be writing to the profile for a moment after the browser exits.
  try {
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  } catch {
    // A leftover temp folder is not worth failing a test over.
  }
}
