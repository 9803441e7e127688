import { DataError } from '../../errors/errors';

/** Date and time text helpers shared by the dialects' type codecs. */

const TIMESTAMP_TEXT =
  /^(\d{4,})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?( BC)?$/i;

/**
 * Parse timestamp text ('YYYY-MM-DD[ T]HH:MM[:SS[.fff…]][offset][ BC]'); text without an offset
 * is UTC. `new Date(text)` would read it as local time, and SQLite's CURRENT_TIMESTAMP, MySQL's
 * DATETIME and PostgreSQL's timestamp without time zone all print UTC without an offset here.
 */
export function parseTimestamp(text: string): Date {
  const m = TIMESTAMP_TEXT.exec(text.trim());
  if (!m) throw new DataError(`Not a timestamp: '${text}'`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone, bc] = m;
  let offsetMs = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    // Offsets may carry seconds: PostgreSQL prints local mean time zones as +00:09:21.
    const digits = zone.slice(1).replace(/:/g, '');
    const seconds = Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || '0') * 60 + Number(digits.slice(4, 6) || '0');
    offsetMs = sign * seconds * 1000;
  }
  // '0001-01-01 BC' is year 0 in the proleptic calendar JavaScript uses.
  const year = bc ? 1 - Number(y) : Number(y);
  // JavaScript dates carry milliseconds; finer digits are truncated, as PostgreSQL's drivers do.
  const ms = frac === '' ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  date.setUTCFullYear(year, Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), ms);
  return new Date(date.getTime() - offsetMs);
}

/** A Date, a timestamp string or epoch milliseconds, as a Date. */
export function toDate(value: unknown): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new DataError('Invalid Date cannot be stored');
    return value;
  }
  if (typeof value === 'string') return parseTimestamp(value);
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  throw new DataError(`Expected a Date for a timestamp column; got ${typeof value}`);
}

/** 'YYYY-MM-DD' of a Date in UTC; strings pass through (they are already calendar dates). */
export function formatDate(value: unknown): string {
  if (typeof value === 'string') return value;
  return toDate(value).toISOString().slice(0, 10);
}

const TIME_TEXT = /^(-?\d{2,}:\d{2}:\d{2})(?:\.(\d*?)0*)?$/;

/**
 * Time-of-day text in one form on every database: 'HH:MM:SS', plus the fraction without
 * trailing zeros ('13:14:15.12'), as PostgreSQL prints it; MySQL pads to the column's precision.
 */
export function normalizeTime(text: string): string {
  const m = TIME_TEXT.exec(text);
  if (!m) return text;
  return m[2] ? `${m[1]}.${m[2]}` : m[1];
}

/** 'HH:MM:SS.mmm' of a Date in UTC; strings pass through. */
export function formatTime(value: unknown): string {
  if (typeof value === 'string') return value;
  return toDate(value).toISOString().slice(11, 23);
}
