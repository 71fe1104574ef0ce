/**
 * duroxide-llm: durable, replay-safe LLM workflows for TypeScript.
 * Everything public is exported here; other modules are internal.
 */

// Runtime
export { Runtime, consoleLogger, silentLogger } from './runtime/runtime.js';
export type { RuntimeOptions, Logger, LlmProviders } from './runtime/runtime.js';
export { Client } from './runtime/client.js';
export type { StartOptions, WaitOptions, LlmUsageReport } from './runtime/client.js';
export type {
  OrchestrationContext,
  ActivityContext,
  DurableTask,
  RetryPolicy,
  BackoffPolicy,
  ActivityOptions,
  SubOrchestrationOptions,
  RaceResult,
  LlmCallOptions,
  TraceLevel,
  OrchestrationFn,
  ActivityFn,
} from './runtime/context-api.js';
export type { ActivityMetadata } from './runtime/registry.js';
export type { HistoryEvent, HistoryEventKind, Json, ErrorDetails, LlmUsage } from './runtime/history.js';
export {
  DuroxideError,
  NondeterminismError,
  ActivityFailedError,
  ActivityTimeoutError,
  SubOrchestrationFailedError,
  CancelledError,
  UnknownOrchestrationError,
  UnknownActivityError,
  DuplicateRegistrationError,
  NonJsonValueError,
  NonDurableAwaitError,
  StaleContextError,
  PoisonMessageError,
  InstanceNotFoundError,
  WaitTimeoutError,
  OrchestrationFailedError,
} from './runtime/errors.js';
export { LlmProviderNotConfiguredError } from './runtime/llm-worker.js';

// Stores
export type {
  Store,
  InstanceInfo,
  InstanceStatus,
  OrchestrationItem,
  TurnCommit,
  LockedWorkItem,
  ListInstancesOptions,
} from './store/store.js';
export { StoreError, LockLostError, InstanceAlreadyExistsError, StoreFormatError } from './store/errors.js';
export { MemoryStore } from './store/memory-store.js';
export { SqliteStore } from './store/sqlite-store.js';
export type { SqliteStoreOptions } from './store/sqlite-store.js';

// LLM
export type { LlmProvider, LlmRequest, LlmResponse, LlmMessage, ResponseFormat, JsonSchema } from './llm/provider.js';

// Tools
export { toJsonSchema, compileSchema, parseJsonLoose, InvalidSchemaError } from './tools/json-schema.js';
