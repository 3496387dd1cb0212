/**
 * `value` as it reads back after JSON.stringify + JSON.parse (undefined and function members dropped, undefined and
 * function array items null, non-finite numbers null, toJSON honoured), but copied in one walk instead of through a
 * string: the command pipeline does this for every event it appends.
 */
export function jsonValue<T>(value: T): T {
  return copy(value) as T;
}

function copy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    // JSON writes -0 as 0 and has no NaN or Infinity.
    if (typeof value === 'number') return Number.isFinite(value) ? value + 0 : null;
    return value;
  }
  // Dates and anything else with its own JSON form (rare in event data): the exact round trip.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return JSON.parse(JSON.stringify(value));
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      out[i] = item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : copy(item);
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const member = (value as Record<string, unknown>)[key];
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    out[key] = copy(member);
  }
  return out;
}

/**
 * Whether `value` already is what `jsonValue` would make of it: plain objects and arrays of strings, finite numbers
 * (not -0), booleans and null, nothing undefined, no holes. Such data needs no copy; checking reads it once and
 * allocates nothing, where copying builds every object again.
 */
export function isJsonValue(value: unknown): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isJsonValue(value[i])) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) if (!isJsonValue((value as Record<string, unknown>)[key])) return false;
      return true;
    }
    default:
      return false;
  }
}
