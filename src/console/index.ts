/** The operations console: embeddable handlers, the standalone server and the queries behind them. */
export { startConsole } from './console-server.js';
export type { ConsoleServerOptions, RunningConsole } from './console-server.js';
export { createConsoleHandler, createConsoleFetchHandler, ConsoleHandler } from './http-handler.js';
export type { ConsoleHandlerOptions } from './http-handler.js';
export { ConsoleApi } from './console-api.js';
export type { InstanceDetail, InstanceListPage, InstanceRow } from './console-api.js';
export type { HistorySize } from './history-size-view.js';
export { recordDiagrams, extractFromSource } from './diagram-records.js';
export type { PendingWait, ApprovalDecision } from './approvals.js';
export type { PriceTable } from './llm-calls.js';
export { overlayRun } from './overlay.js';
export type { Overlay, NodeRun, NodeState } from './overlay.js';
