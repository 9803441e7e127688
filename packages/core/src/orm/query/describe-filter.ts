import { isExpression } from '../../sql/expression/expression';
import { stateOf } from '../identity/instance-state';
import { isRef } from '../relations/ref';

/** A filter as messages show it: `{ username: 'jane', age: { gt: 25 } }`. Values are shown: filters are the application's own input. */
export function describeFilter(filter: unknown, depth = 0): string {
  if (filter === null) return 'null';
  if (filter === undefined) return 'undefined';
  if (isExpression(filter)) return '<expression>';
  switch (typeof filter) {
    case 'string':
      return `'${filter.length > 60 ? `${filter.slice(0, 57)}...` : filter}'`;
    case 'bigint':
      return `${filter}n`;
    case 'function':
      return '<function>';
    case 'object':
      break;
    default:
      return String(filter);
  }
  if (filter instanceof Date) return `Date(${Number.isNaN(filter.getTime()) ? 'invalid' : filter.toISOString()})`;
  if (isRef(filter)) return `ref(${filter.entity.name}, ${describeFilter(filter.id, depth + 1)})`;
  const state = stateOf(filter);
  if (state !== undefined) return state.toString();
  if (depth > 4) return '{…}';
  if (Array.isArray(filter)) return `[${filter.map((v) => describeFilter(v, depth + 1)).join(', ')}]`;
  const entries = Object.entries(filter as Record<string, unknown>).map(([k, v]) => `${k}: ${describeFilter(v, depth + 1)}`);
  return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
}
