import { describeOrders, type RouteConfigSnapshot } from '../../../shared/index.ts';
import type { DevProcess } from './devTopology.ts';

/**
 * The table of what runs where: each process's name beside its URL, and what it stands for.
 *
 * @example
 * // process                url                    role
 * // provider 1 (stand-in)  http://127.0.0.1:4001  ${LOCAL_BASE}
 * // express router         http://127.0.0.1:8787  router over route-config.json
 */
export function formatDevTable(processes: readonly DevProcess[], configPath: string): string[] {
  const rows = [
    { name: 'process', url: 'url', role: 'role' },
    ...processes.map((p) => ({
      name: p.name,
      url: p.url,
      role: p.kind === 'provider' ? `\${${p.note}}` : `router over ${configPath}`,
    })),
  ];
  const nameWidth = Math.max(...rows.map((r) => r.name.length));
  const urlWidth = Math.max(...rows.map((r) => r.url.length));
  return rows.map((r) => `${r.name.padEnd(nameWidth)}  ${r.url.padEnd(urlWidth)}  ${r.role}`.trimEnd());
}

/**
 * "What to try" for the running topology: a request that shows `X-Backend-Source` (through each
 * router), making provider 1 fail to watch the fallback, a flip by editing the file, and a drill. The app used is one
 * whose order starts with provider 1 and has somewhere to fall back to, when the config has one.
 */
export function formatDevGuide(config: RouteConfigSnapshot, processes: readonly DevProcess[], configFile: string): string[] {
  const router = processes.find((p) => p.kind === 'router')!;
  const providers = processes.filter((p) => p.kind === 'provider');
  const orders = describeOrders(config);
  const pick =
    orders.find((o) => o.order[0] === '1' && o.order.length > 1) ?? orders.find((o) => o.order.length > 0) ?? orders[0];
  const app = pick.app === '*' ? 'demo' : pick.app;
  const first = providers.find((p) => p.name.startsWith(`provider ${pick.order[0] ?? '1'} `)) ?? providers[0];
  const next = pick.order[1];
  const path = `${router.url}/${app}/api/hello`;
  const flipped = pick.order.length > 1 ? [pick.order[1], pick.order[0], ...pick.order.slice(2)].join('') : pick.order.join('');
  const field = pick.app === '*' ? '"global_priority"' : `routes.${pick.app}.priority`;
  const lines = [
    `# which provider answered? (X-Backend-Source; order for ${app}: ${pick.order.join(' > ') || 'none'})`,
    `curl -si ${path} | grep -i '^x-backend-source'`,
  ];
  // Every other router serves the same config: the same question, asked through it.
  for (const other of processes.filter((p) => p.kind === 'router' && p !== router)) {
    lines.push(`curl -si ${other.url}/${app}/api/hello | grep -i '^x-backend-source'   # ${other.name}`);
  }
  if (first) {
    lines.push(
      `# make provider ${pick.order[0] ?? '1'} fail with 503 (or "hang", "refuse"), then ask again: ${next ? `provider ${next} answers` : 'the router reports the failure'}`,
      `curl -X POST ${first.url}/_standin/mode -d '{"mode":"503"}'`,
      `curl -si ${path} | grep -i '^x-\\(backend-source\\|route-attempts\\)'`,
      '# heal it',
      `curl -X POST ${first.url}/_standin/mode -d '{"mode":"ok"}'`,
    );
  }
  lines.push(
    `# flip: edit ${configFile}, set ${field} to "${flipped}"; new requests follow within 1 s`,
    `#   (or: npx hadoku-route flip ${pick.app === '*' ? 'global' : pick.app} ${flipped} --config ${configFile})`,
    `curl -s ${router.url}/_config/route`,
    `curl -s ${router.url}/_router/health`,
  );
  if (first) {
    lines.push(
      `# drill a failover: steady GET/POST traffic while provider ${pick.order[0] ?? '1'} is refused for the middle third`,
      `npx hadoku-route drill --router ${router.url} --disable ${pick.order[0] ?? '1'} --config ${configFile}`,
    );
  }
  return lines;
}
