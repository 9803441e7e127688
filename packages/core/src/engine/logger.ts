/** Where the engine writes echo, slow-query, leak and retry messages. `console` fits. */
export interface Logger {
  debug(message: string, ...meta: unknown[]): void;
  info(message: string, ...meta: unknown[]): void;
  warn(message: string, ...meta: unknown[]): void;
  error(message: string, ...meta: unknown[]): void;
}

export const consoleLogger: Logger = {
  debug: (message, ...meta) => console.debug(message, ...meta),
  info: (message, ...meta) => console.info(message, ...meta),
  warn: (message, ...meta) => console.warn(message, ...meta),
  error: (message, ...meta) => console.error(message, ...meta),
};

const MAX_SHOWN_STRING = 200;

/** Parameters as one log fragment; values are shown unless redacted. */
export function formatParams(params: readonly unknown[], redact: boolean): string {
  if (params.length === 0) return '[]';
  if (redact) return `[${params.length} redacted]`;
  return `[${params.map(formatValue).join(', ')}]`;
}

function formatValue(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > MAX_SHOWN_STRING ? `${value.slice(0, MAX_SHOWN_STRING)}…` : value);
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return 'undefined';
    case 'object':
      if (value instanceof Date) return value.toISOString();
      if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
      try {
        const json = JSON.stringify(value);
        return json.length > MAX_SHOWN_STRING ? `${json.slice(0, MAX_SHOWN_STRING)}…` : json;
      } catch {
        return String(value);
      }
    default:
      return String(value);
  }
}

/** How a statement appears in logs: SQL plus its parameters (or the count when redacted). */
export function formatStatement(sql: string, params: readonly unknown[], redact: boolean): string {
  return params.length === 0 ? sql : `${sql} -- params: ${formatParams(params, redact)}`;
}
