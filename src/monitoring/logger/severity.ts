// Components and severities of the logging spec. Severities are compared as
// syslog-style codes (lower is more severe), so "is this enabled" is one number compare.

export const LOG_COMPONENTS = ['command', 'topology', 'serverSelection', 'connection'] as const;
export type LogComponent = (typeof LOG_COMPONENTS)[number];

export const LOG_SEVERITIES = ['emergency', 'alert', 'critical', 'error', 'warn', 'notice', 'info', 'debug', 'trace'] as const;
export type LogSeverity = (typeof LOG_SEVERITIES)[number];

/** A component's minimum severity, or "off" to log nothing for it. */
export type LogLevelSetting = LogSeverity | 'off';

/** Severity → its RFC 5424-like code (emergency 0 … trace 8). */
export const SEVERITY_CODE: Readonly<Record<LogSeverity, number>> = Object.freeze({
  emergency: 0,
  alert: 1,
  critical: 2,
  error: 3,
  warn: 4,
  notice: 5,
  info: 6,
  debug: 7,
  trace: 8,
});

/** The threshold code of "off": below every severity's code, so nothing passes. */
export const OFF_THRESHOLD = -1;

export function thresholdOf(setting: LogLevelSetting): number {
  return setting === 'off' ? OFF_THRESHOLD : SEVERITY_CODE[setting];
}

export function isLogComponent(value: unknown): value is LogComponent {
  return typeof value === 'string' && (LOG_COMPONENTS as readonly string[]).includes(value);
}

export function isLogSeverity(value: unknown): value is LogSeverity {
  return typeof value === 'string' && (LOG_SEVERITIES as readonly string[]).includes(value);
}

/** Case-insensitive parse of an environment value; undefined when it is not a level name. */
export function parseLevelSetting(value: string | undefined): LogLevelSetting | undefined {
  if (value === undefined) return undefined;
  const lower = value.trim().toLowerCase();
  if (lower === 'off') return 'off';
  return isLogSeverity(lower) ? lower : undefined;
}
