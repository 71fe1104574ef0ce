/**
 * duroxide-llm: durable, replay-safe LLM workflows for TypeScript.
 * Everything public is exported here; other modules are internal.
 */

// Loaded first: decorated classes need Symbol.metadata before they are evaluated (Node 20).
import './tools/symbol-metadata.js';

// Runtime
export { Runtime, consoleLogger, silentLogger } from './runtime/runtime.js';
export type { RuntimeOptions, Logger, LlmProviders } from './runtime/runtime.js';
export { Client } from './runtime/client.js';
export type { StartOptions, WaitOptions, LlmUsageReport, OrchestrationHandle } from './runtime/client.js';
export type { ActivityCalls, OrchestrationInput, OrchestrationOutput, OrchestrationRef } from './runtime/typed-calls.js';
export type {
  OrchestrationContext,
  ActivityContext,
  DurableTask,
  RetryPolicy,
  BackoffPolicy,
  ScheduleActivityOptions,
  ActivityOptions,
  SubOrchestrationOptions,
  RaceResult,
  RaceOutcome,
  LlmCallOptions,
  LlmContextOptions,
  TraceLevel,
  OrchestrationFn,
  ActivityFn,
} from './runtime/context-api.js';
export type { ActivityMetadata } from './runtime/registry.js';
export type { ActivityDefinition, ActivityDecoratorOptions, ToolExample } from './tools/activity-definition.js';
export { InvalidToolExampleError } from './tools/invalid-tool-example-error.js';
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
  PayloadTooLargeError,
  TimerOutOfRangeError,
  NonDurableAwaitError,
  NonDeterministicCallError,
  StaleContextError,
  PoisonMessageError,
  InstanceNotFoundError,
  WaitTimeoutError,
  OrchestrationFailedError,
} from './runtime/errors.js';
export { LlmProviderNotConfiguredError, LlmProviderNotConfiguredError as LlmNotConfiguredError } from './runtime/errors.js';
export { MAX_JSON_DEPTH, DEFAULT_MAX_PAYLOAD_BYTES } from './runtime/json-value.js';
export { MAX_TIMER_MS } from './runtime/orchestration-context.js';
export type { DeterminismMode } from './runtime/determinism-guard.js';

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
export { StoreError, LockLostError, InstanceAlreadyExistsError, StoreFormatError, PayloadIntegrityError, type PayloadLocation } from './store/errors.js';
export { MemoryStore } from './store/memory-store.js';
export { SqliteStore } from './store/sqlite-store.js';
export type { SqliteStoreOptions } from './store/sqlite-store.js';
export { PostgresStore } from './store/postgres-store.js';
export type { PostgresStoreOptions } from './store/postgres-store.js';

// LLM
export type { LlmProvider, LlmRequest, LlmResponse, LlmMessage, ResponseFormat, JsonSchema } from './llm/provider.js';
export { OpenAIProvider, AzureOpenAIProvider } from './llm/openai-provider.js';
export type { OpenAIProviderOptions, AzureOpenAIProviderOptions } from './llm/openai-provider.js';
export { AnthropicProvider } from './llm/anthropic-provider.js';
export type { AnthropicProviderOptions } from './llm/anthropic-provider.js';
export { OllamaProvider } from './llm/ollama-provider.js';
export type { OllamaProviderOptions } from './llm/ollama-provider.js';
export { MockLlmProvider } from './llm/mock-provider.js';
export type { MockAnswer, MockMatcher, MockResponder, MockLlmProviderOptions } from './llm/mock-provider.js';
export { RecordReplayProvider, cassetteKey } from './llm/record-replay-provider.js';
export type { CassetteMode } from './llm/record-replay-provider.js';
export { ReliableProvider, inProcessRateLimiter } from './llm/reliable-provider.js';
export type { ReliabilityOptions, RateLimitBackend } from './llm/reliable-provider.js';
export {
  LlmError,
  LlmRateLimitError,
  LlmTimeoutError,
  LlmRefusalError,
  LlmProviderUnavailableError,
  LlmResponseFormatError,
  LlmRequestError,
  CassetteMissError,
  LlmConfigurationError,
} from './llm/errors.js';
export { LlmOperationFailedError, LlmBudgetExceededError } from './runtime/errors.js';
export type { LlmBudget } from './runtime/llm-ledger.js';
export type { Sentiment } from './llm/operations/sentiment.js';
export type { TextValidator, Validator, ValidatedOptions } from './llm/operations/generate-validated.js';
export { estimateTokens } from './llm/token-estimate.js';

// Tools
export { toJsonSchema, compileSchema, parseJsonLoose, InvalidSchemaError } from './llm/json-schema.js';
export type { SchemaLike, JsonSchemaObject } from './llm/json-schema.js';
export { ToolRegistry } from './tools/registry.js';
export { orchestration, activity, DecoratorUsageError } from './tools/decorators.js';
export type { OrchestrationOptions } from './tools/metadata.js';
export { getClassMetadata } from './tools/metadata.js';
export { registerDecorated } from './tools/register-decorated.js';
export type { ToolDefinition } from './tools/registry.js';

// Agent (dynamic orchestration)
export { agentOrchestration, AGENT_ORCHESTRATION } from './agent/agent-orchestration.js';
export type { AgentInput, AgentResult, AgentState, AgentDoneReason } from './agent/agent-orchestration.js';
export { registerAgent, startAgent, readAgentTranscript } from './agent/agent-client.js';
export type { AgentConfig, LlmOrchestrationConfig } from './agent/agent-config.js';
export { PLAN_SCHEMA } from './agent/plan-schema.js';
export type { Plan, PlannedAction } from './agent/plan-schema.js';
export type { TranscriptEntry } from './agent/transcript.js';
