import { ValidationError } from './errors';

/**
 * Checks every request body and query string gets before any schema sees it. JSON can carry things no field of
 * ours may hold and that break later layers instead of failing here: NUL (PostgreSQL text refuses it), lone UTF-16
 * surrogates (not encodable as UTF-8), and prototype keys (`__proto__` is silently dropped by object spreads, so a
 * client would believe it stored something it did not). Each is a 400 naming the field.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const MAX_DEPTH = 32;

export function stringProblem(text: string): { rule: string; message: string } | undefined {
  if (text.includes('\u0000')) return { rule: 'no_nul', message: 'must not contain the NUL character (U+0000)' };
  if (LONE_SURROGATE.test(text)) return { rule: 'well_formed_unicode', message: 'must be well-formed Unicode (a lone surrogate cannot be stored)' };
  return undefined;
}

/** Throws a ValidationError for the first unsafe string, key or nesting depth in `value`, naming its path. */
export function assertSafeInput(value: unknown, path: string): void {
  walk(value, path, 0);
}

function walk(value: unknown, path: string, depth: number): void {
  if (typeof value === 'string') {
    const problem = stringProblem(value);
    if (problem) throw ValidationError.field(path, problem.rule, problem.message);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (depth >= MAX_DEPTH) throw ValidationError.field(path, 'too_deep', `must not nest deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, `${path}.${i}`, depth + 1));
    return;
  }
  for (const key of Object.keys(value)) {
    const at = `${path}.${key.length > 64 ? `${key.slice(0, 64)}…` : key}`;
    if (FORBIDDEN_KEYS.has(key)) throw ValidationError.field(at, 'forbidden_key', `'${key}' is not allowed as a key (prototype keys are refused, not dropped)`);
    const problem = stringProblem(key);
    if (problem) throw ValidationError.field(`${path}.<key>`, problem.rule, `a key ${problem.message}`);
    walk((value as Record<string, unknown>)[key], at, depth + 1);
  }
}

/** Business instants outside these years are typing errors (and year 0 breaks PostgreSQL's timestamptz). */
export const EARLIEST_YEAR = 2000;
export const LATEST_YEAR = 2100;

export function instantInRange(text: string): boolean {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return false;
  const year = new Date(ms).getUTCFullYear();
  return year >= EARLIEST_YEAR && year <= LATEST_YEAR;
}
