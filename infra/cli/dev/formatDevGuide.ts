import { describeOrders, type RouteConfigSnapshot } from '../../../shared/index.ts';
import type { Topology } from '../../hosts/topology.ts';

/** What the guide needs of the running topology. */
export type GuideTopology = Pick<Topology, 'kind' | 'routers' | 'providerUrls'>;

/**
 * "What to try" for the running topology: a request through each router showing which provider
 * answered, how to make a provider fail (drain a stack with a drill, or switch a stand-in), a
 * flip by editing the file, the routers' own paths. The app used is one whose order has somewhere
 * to fall back to, when the config has one.
 *
 * @example
 * formatDevGuide(config, topology, '/work/main/route-config.json')[1];
 * // "curl -si http://127.0.0.1:8787/task/api/hello | grep -i '^x-backend-source\|^server-timing'"
 */
export function formatDevGuide(config: RouteConfigSnapshot, topology: GuideTopology, configFile: string): string[] {
  const orders = describeOrders(config);
  const pick = orders.find((o) => o.order.length > 1) ?? orders.find((o) => o.order.length > 0) ?? orders[0]!;
  const app = pick.app === '*' ? 'demo' : pick.app;
  const first = pick.order[0] ?? '1';
  const next = pick.order[1];
  // Traffic goes through a router that is not the provider being failed.
  const router = topology.routers.find((r) => r.provider !== first) ?? topology.routers[0]!;
  const path = `${router.url}/${app}/api/hello`;
  const lines = [
    `# which provider answered? (Server-Timing lists every attempt; order for ${app}: ${pick.order.join(' > ') || 'none'})`,
    `curl -si ${path} | grep -i '^x-backend-source\\|^server-timing'`,
  ];
  for (const other of topology.routers.filter((r) => r !== router)) {
    lines.push(`curl -si ${other.url}/${app}/api/hello | grep -i '^x-backend-source'   # ${other.name}`);
  }
  if (topology.kind === 'stacks') lines.push(...stackLines(topology, router.url, first, next, configFile));
  else lines.push(...standinLines(topology, path, first, next, configFile));
  const flipped = pick.order.length > 1 ? [pick.order[1], pick.order[0], ...pick.order.slice(2)].join('') : pick.order.join('');
  const field = pick.app === '*' ? '"global_priority"' : `routes.${pick.app}.priority`;
  lines.push(
    `# flip: edit ${configFile}, set ${field} to "${flipped}"; new requests follow within 1 s`,
    `#   (or: npx hadoku-route flip ${pick.app === '*' ? 'global' : pick.app} ${flipped} --config ${configFile})`,
    `curl -s ${router.url}/_config/route`,
    `curl -s ${router.url}/_router/health`,
    '# live status page of each router (open in a browser; it refreshes itself every 2 s)',
    ...topology.routers.map((r) => `${r.url}/_router/status   # ${r.name}`),
  );
  return lines;
}

function stackLines(topology: GuideTopology, router: string, first: string, next: string | undefined, configFile: string): string[] {
  const target = topology.routers.find((r) => r.provider === first);
  if (!target) return [];
  return [
    `# drain stack ${first} (${target.name}) as the cloud drill does: 503 for routed paths, ${next ? `${next} takes over` : 'no fallback'}`,
    `npx hadoku-route drill --router ${router} --disable ${first} --config ${configFile}`,
    `curl -s ${target.url}/_router/health   # "drain": true while it is drained`,
    '# hang, refuse or 503 on demand: npx hadoku-route dev --standins (stand-in providers)',
  ];
}

function standinLines(topology: GuideTopology, path: string, first: string, next: string | undefined, configFile: string): string[] {
  const standin = topology.providerUrls[first];
  if (!standin) return [];
  return [
    `# make provider ${first} fail with 503 (or "hang", "refuse"), then ask again: ${next ? `provider ${next} answers` : 'the router fails'}`,
    `curl -X POST ${standin}/_standin/mode -d '{"mode":"503"}'`,
    `curl -si ${path} | grep -i '^x-\\(backend-source\\|route-attempts\\)'`,
    '# heal it',
    `curl -X POST ${standin}/_standin/mode -d '{"mode":"ok"}'`,
    `# drill a failover: steady GET/POST traffic while provider ${first} is refused for the middle third`,
    `npx hadoku-route drill --router ${path.replace(/\/[^/]+\/api\/hello$/, '')} --disable ${first} --config ${configFile}`,
  ];
}
