export { Connection } from './connection';
export { createEngine } from './create-engine';
export { defaultResolvePaths, registerDialect, registeredDialect, resolveDialect } from './dialect-registry';
export type {
  BeginOptions,
  ConnectionConfig,
  Dialect,
  Driver,
  DriverConnection,
  DriverResult,
  DriverRowBatch,
  ErrorClassification,
} from './driver';
export { Engine } from './engine';
export type { Route } from './engine';
export type { EngineOptions } from './engine-options';
export { EngineView, ReadScope } from './engine-views';
export type {
  AfterExecuteEvent,
  ConnectionEvent,
  EngineEventName,
  EngineEvents,
  EngineListener,
  ErrorEvent,
  InvalidateEvent,
  PoolLabel,
  RetryEvent,
  StatementEvent,
} from './events';
export type { HealthCheckResult, HealthStatus } from './health';
export { consoleLogger, formatParams } from './logger';
export type { Logger } from './logger';
export { Pool } from './pool';
export type { PoolOptions, PoolStatus } from './pool';
export type { Queryable, RunResult, StreamOptions, TransactionOptions } from './queryable';
export { isReadOnly } from './replicas';
export { backoffDelay, DEFAULT_RETRY, normalizeRetry, retrying } from './retry';
export type { RetryHooks, RetryOptions, RetryPolicy } from './retry';
export type { ResultRow } from './row-builder';
export type { EngineStats, LatencySummary, ReplicaStats } from './stats';
export { Transaction } from './transaction';
export { isRetryable } from './transaction-runner';
export { canonicalScheme, parseUrl, redactUrl } from './url';
