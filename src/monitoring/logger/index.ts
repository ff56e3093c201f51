// The structured logger (logging spec) and the log message builders of the command,
// connection, topology and serverSelection components.
export { MongoLogger } from './mongo-logger.js';
export {
  LOG_COMPONENTS,
  LOG_SEVERITIES,
  SEVERITY_CODE,
  isLogComponent,
  isLogSeverity,
  parseLevelSetting,
  type LogComponent,
  type LogLevelSetting,
  type LogSeverity,
} from './severity.js';
export {
  COMPONENT_ENV_VARIABLES,
  resolveLoggerSettings,
  type ComponentSeverities,
  type LogDestinationSetting,
  type LogEnvironment,
  type MongoLoggerClientOptions,
  type MongoLoggerSettings,
} from './settings.js';
export {
  FileLogSink,
  MemoryLogSink,
  StreamLogSink,
  formatLogLine,
  type CollectedLogEntry,
  type LogRecord,
  type LogSink,
} from './destination.js';
export { DEFAULT_MAX_DOCUMENT_LENGTH, TRUNCATION_SUFFIX, stringifyDocument, stringifyValue, toLoggable, truncateText } from './stringify.js';
export { addressFields, type LogFieldValue, type LogMessage, type LoggedFailure, type ServerAddressFields } from './messages/log-message.js';
export { isRedactedFailure, loggedFailure, redactedFailure } from './messages/failure.js';
export * from './messages/command.js';
export * from './messages/connection.js';
export * from './messages/topology.js';
export * from './messages/server-selection.js';
