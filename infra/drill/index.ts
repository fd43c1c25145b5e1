/**
 * Failover drills: steady traffic through a router while one provider is disabled and put back,
 * measured. The engine only: the `hadoku-route drill` command (flags, exit codes, output) lives in
 * `infra/cli/commands/drill.ts`. Public surface for the CLI and the tests.
 */
export { runDrill, checkDrillInputs, DEFAULT_PATH, DRILL_LIMITS, DRILL_METHODS, type DrillOptions } from './runDrill.ts';
export type { DrillReport, HedgingInfo, PhaseStats } from './drillReport.ts';
export { formatDrillReport } from './formatDrillReport.ts';
export { DRAIN_COMMANDS, DRILL_MODES, type Disabler, type DisableContext, type DrillMode } from './disabler.ts';
export { standinDisabler } from './standinDisabler.ts';
export { localStackDisabler, type LocalStackDisablerOptions } from './localStackDisabler.ts';
export { localDisabler, type LocalDisablerOptions } from './localDisabler.ts';
export { commandDisabler, type CommandDisablerOptions } from './commandDisabler.ts';
export { manualDisabler, type ManualDisablerOptions } from './manualDisabler.ts';
export { answerSource, type AnswerSource, type SeenAttempt } from './answerSource.ts';
export { fetchRouteInfo, hedgingOf, pickDrillApp, type RouteInfo } from './routeInfo.ts';
export { analyzeDrill } from './analyzeDrill.ts';
export { attemptsPerRequest, percentile, phaseStats, wasHedged } from './phaseStats.ts';
export { readRouterSettings, type RouterSettings } from './readRouterSettings.ts';
export { liveView, type LiveView, type LiveViewOptions, type LiveViewRouter } from './liveView.ts';
export { probeCell, type ProbeCellOptions } from './probeCell.ts';
export * from './errors.ts';
