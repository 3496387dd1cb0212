import { gzipSync } from 'node:zlib';
import { newId } from '@service-ledger/core';
import { commandCatalogue } from '@service-ledger/application';
import type { PlannedCommand } from '@service-ledger/seed';
import { z } from 'zod';

/** One malformed request: what to send and the answer it must get (status, and the field or header it names). */
export interface BadInput {
  name: string;
  command: string;
  body?: unknown;
  raw?: Buffer | string;
  headers?: Record<string, string>;
  status: number;
  /** Another acceptable status (see the gzip cases). */
  orStatus?: number;
  names: string | RegExp;
}

type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema>; required?: string[]; enum?: unknown[]; format?: string; pattern?: string; maxLength?: number; minLength?: number; maxItems?: number; minimum?: number; items?: JsonSchema; anyOf?: JsonSchema[] };

const INJECTIONS = ["x' OR '1'='1", 'x"; DROP TABLE sl_events; --', "') UNION SELECT * FROM system.tables --", '{{projects}}', '${7*7}', '<script>alert(1)</script>'];
const UNICODE = [
  ['NUL', 'a\u0000b'],
  ['lone high surrogate', 'a\ud800b'],
  ['lone low surrogate', '\udc00'],
] as const;

/** A valid payload for every command, taken from the seeded history (the generator exercises the whole catalogue). */
export function samplePayloads(history: PlannedCommand[]): Map<string, PlannedCommand> {
  const samples = new Map<string, PlannedCommand>();
  for (const c of history) if (!samples.has(c.name)) samples.set(c.name, c);
  return samples;
}

const swapCase = (text: string) => (text === text.toUpperCase() ? text.toLowerCase() : text.toUpperCase());

function kindOf(s: JsonSchema): string {
  if (s.anyOf) return kindOf(s.anyOf.find((a) => a.type !== 'null') ?? {});
  return Array.isArray(s.type) ? s.type.find((t) => t !== 'null') ?? 'any' : s.type ?? (s.enum ? 'string' : 'any');
}

/** Mutations of one field, each with the field path it must be named by. */
function fieldCases(path: string, schema: JsonSchema, required: boolean): { name: string; value: unknown; drop?: boolean; names: string }[] {
  const out: { name: string; value: unknown; drop?: boolean; names: string }[] = [];
  const s = schema.anyOf ? schema.anyOf.find((a) => a.type !== 'null') ?? schema : schema;
  const kind = kindOf(s);
  if (required) out.push({ name: 'missing', value: undefined, drop: true, names: path });
  if (kind === 'string') {
    out.push({ name: 'a number instead of a string', value: 42, names: path });
    for (const [label, text] of UNICODE) out.push({ name: label, value: text, names: path });
    if (s.maxLength) out.push({ name: `longer than ${s.maxLength}`, value: 'x'.repeat(s.maxLength + 1), names: path });
    if (s.enum) out.push({ name: 'value outside the enum', value: 'pigeon', names: path }, { name: 'enum value in the other case', value: swapCase(String(s.enum[0])), names: path });
    if (s.format === 'uuid' || s.pattern || s.enum) out.push({ name: 'injection string', value: INJECTIONS[path.length % INJECTIONS.length], names: path });
    if (s.format === 'date-time') out.push({ name: 'year 0000', value: '0000-01-01T00:00:00Z', names: path }, { name: 'year 1900', value: '1900-01-01T00:00:00Z', names: path }, { name: 'no time zone', value: '2026-11-01T10:00:00', names: path });
    if ((s.minLength ?? 0) >= 1 && !s.format && !s.pattern && !s.enum) out.push({ name: 'blank', value: '   ', names: path });
  } else if (kind === 'number' || kind === 'integer') {
    out.push({ name: 'a string instead of a number', value: '12', names: path }, { name: 'negative', value: -1, names: path });
    if (kind === 'integer') out.push({ name: 'a fraction', value: 1.5, names: path });
  } else if (kind === 'boolean') out.push({ name: "'true' as a string", value: 'true', names: path });
  else if (kind === 'array') {
    out.push({ name: 'an object instead of an array', value: {}, names: path });
    if (s.maxItems !== undefined && s.maxItems <= 500) out.push({ name: `more than ${s.maxItems} items`, value: Array.from({ length: s.maxItems + 1 }, () => 'x'), names: path });
  } else if (kind === 'object') {
    out.push({ name: 'null', value: null, names: path }, { name: 'a __proto__ key inside', value: JSON.parse('{"__proto__": {"admin": true}}'), names: `${path}.__proto__` });
  }
  return out;
}

function withField(payload: Record<string, unknown>, path: string[], value: unknown, drop: boolean): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(payload)) as Record<string, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) {
    if (typeof at[key] !== 'object' || at[key] === null) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (drop) delete at[last];
  else Object.defineProperty(at, last, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Payload mutations for every command, from its JSON schema (so a new command or field is covered without edits). */
export function payloadCorpus(samples: Map<string, PlannedCommand>): BadInput[] {
  const corpus: BadInput[] = [];
  for (const command of commandCatalogue) {
    const sample = samples.get(command.name);
    const schema = z.toJSONSchema(command.schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    const base = (sample?.payload ?? {}) as Record<string, unknown>;
    corpus.push({ name: 'payload is an array', command: command.name, body: { commandId: newId(), payload: [base] }, status: 400, names: 'body.payload' });
    corpus.push({ name: 'unknown field', command: command.name, body: { commandId: newId(), payload: { ...base, sneaky: 1 } }, status: 400, names: 'sneaky' });
    corpus.push({ name: 'constructor key', command: command.name, body: { commandId: newId(), payload: { ...base, constructor: { prototype: {} } } }, status: 400, names: 'payload.constructor' });
    corpus.push({ name: '__proto__ key', command: command.name, body: { commandId: newId(), payload: withField(base, ['__proto__'], { polluted: true }, false) }, status: 400, names: 'payload.__proto__' });
    const walk = (props: Record<string, JsonSchema>, required: string[], prefix: string[]) => {
      for (const [key, fieldSchema] of Object.entries(props)) {
        const path = [...prefix, key];
        for (const c of fieldCases(`payload.${path.join('.')}`, fieldSchema, required.includes(key))) {
          corpus.push({ name: `${path.join('.')}: ${c.name}`, command: command.name, body: { commandId: newId(), payload: withField(base, path, c.value, !!c.drop) }, status: 400, names: c.names });
        }
        // Nested objects (locations, contacts) get their own fields mutated, one level down.
        const inner = fieldSchema.anyOf?.find((a) => a.type === 'object') ?? fieldSchema;
        if (prefix.length === 0 && inner.type === 'object' && inner.properties) walk(inner.properties, inner.required ?? [], path);
      }
    };
    walk(schema.properties ?? {}, schema.required ?? [], []);
  }
  return corpus;
}

/** The envelope, the headers and the encodings, on one command with an otherwise valid request. */
export function envelopeCorpus(sample: PlannedCommand): BadInput[] {
  const command = sample.name;
  const ok = () => ({ commandId: newId(), payload: sample.payload });
  const json = (body: unknown) => JSON.stringify(body);
  const cases: BadInput[] = [
    { name: 'commandId missing', command, body: { payload: sample.payload }, status: 400, names: 'body.commandId' },
    { name: 'commandId not a UUID', command, body: { ...ok(), commandId: "1' OR '1'='1" }, status: 400, names: 'body.commandId' },
    { name: 'commandId a number', command, body: { ...ok(), commandId: 7 }, status: 400, names: 'body.commandId' },
    { name: 'occurredAt year 0000', command, body: { ...ok(), occurredAt: '0000-01-01T00:00:00Z' }, status: 400, names: 'body.occurredAt' },
    { name: 'occurredAt year 0001', command, body: { ...ok(), occurredAt: '0001-01-01T00:00:00Z' }, status: 400, names: 'body.occurredAt' },
    { name: 'occurredAt year 1900', command, body: { ...ok(), occurredAt: '1900-01-01T00:00:00+08:00' }, status: 400, names: 'body.occurredAt' },
    { name: 'occurredAt in 2099', command, body: { ...ok(), occurredAt: '2099-01-01T00:00:00Z' }, status: 400, names: 'occurredAt' },
    { name: 'occurredAt extended year', command, body: { ...ok(), occurredAt: '+275760-09-13T00:00:00Z' }, status: 400, names: 'body.occurredAt' },
    { name: 'occurredAt 30 February', command, body: { ...ok(), occurredAt: '2026-02-30T00:00:00Z' }, status: 400, names: 'occurredAt' },
    { name: 'occurredAt offset +25:00', command, body: { ...ok(), occurredAt: '2026-11-01T00:00:00+25:00' }, status: 400, names: 'body.occurredAt' },
    { name: 'occurredAt without zone', command, body: { ...ok(), occurredAt: '2026-11-01T00:00:00' }, status: 400, names: 'body.occurredAt' },
    { name: 'occurredAt NUL', command, body: { ...ok(), occurredAt: '2026-11-01T00:00:00Z\u0000' }, status: 400, names: 'body.occurredAt' },
    { name: 'expectedVersion negative', command, body: { ...ok(), expectedVersion: -1 }, status: 400, names: 'body.expectedVersion' },
    { name: 'expectedVersion a string', command, body: { ...ok(), expectedVersion: '3' }, status: 400, names: 'body.expectedVersion' },
    { name: 'expectedVersion a fraction', command, body: { ...ok(), expectedVersion: 1.5 }, status: 400, names: 'body.expectedVersion' },
    { name: 'body __proto__ key', command, raw: `{"__proto__":{"x":1},"commandId":"${newId()}","payload":${json(sample.payload)}}`, headers: { 'Content-Type': 'application/json' }, status: 400, names: 'body.__proto__' },
    { name: 'body constructor key', command, body: { ...ok(), constructor: 1 }, status: 400, names: 'body.constructor' },
    { name: 'body lone surrogate in a key', command, raw: `{"\\ud800":1,"commandId":"${newId()}","payload":${json(sample.payload)}}`, headers: { 'Content-Type': 'application/json' }, status: 400, names: 'body.<key>' },
    { name: 'body is an array', command, raw: '[1,2]', headers: { 'Content-Type': 'application/json' }, status: 400, names: 'body' },
    { name: 'body is a string', command, raw: '"x"', headers: { 'Content-Type': 'application/json' }, status: 400, names: 'body' },
    { name: 'body is null', command, raw: 'null', headers: { 'Content-Type': 'application/json' }, status: 400, names: 'body' },
    { name: 'malformed JSON', command, raw: '{"commandId":', headers: { 'Content-Type': 'application/json' }, status: 400, names: 'malformed_json' },
    { name: 'nesting 200 deep', command, raw: `{"commandId":"${newId()}","payload":${'{"a":'.repeat(200)}1${'}'.repeat(200)}}`, headers: { 'Content-Type': 'application/json' }, status: 400, names: 'payload' },
    { name: 'text/plain body', command, raw: json(ok()), headers: { 'Content-Type': 'text/plain' }, status: 415, names: 'header.Content-Type' },
    { name: 'form body', command, raw: 'commandId=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, status: 415, names: 'header.Content-Type' },
    { name: 'no Content-Type', command, raw: Buffer.from(json(ok())), headers: { 'Content-Type': '' }, status: 415, names: 'header.Content-Type' },
    { name: 'charset latin1', command, raw: json(ok()), headers: { 'Content-Type': 'application/json; charset=latin1' }, status: 415, names: 'header.Content-Type' },
    { name: 'charset utf-16', command, raw: json(ok()), headers: { 'Content-Type': 'application/json; charset=utf-16' }, status: 415, names: 'header.Content-Type' },
    { name: 'Content-Encoding compress', command, raw: json(ok()), headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'compress' }, status: 415, names: 'header.Content-Encoding' },
    { name: 'Content-Encoding zstd', command, raw: json(ok()), headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'zstd' }, status: 415, names: 'header.Content-Encoding' },
    { name: 'gzip garbage', command, raw: Buffer.from('definitely not gzip'), headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, status: 400, names: 'header.Content-Encoding' },
    { name: 'deflate garbage', command, raw: Buffer.from('definitely not deflate'), headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'deflate' }, status: 400, names: 'header.Content-Encoding' },
    // Under Jest's VM realm body-parser cannot tell zlib's errors apart (instanceof Error fails), so these two accept the
    // generic "does not decode" answer besides the precise one a plain Node process gives.
    { name: 'gzip of invalid JSON', command, raw: gzipSync('{"commandId":'), headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, status: 400, names: /malformed_json|header\.Content-Encoding/ },
    { name: 'gzip bomb beyond the body limit', command, raw: gzipSync(Buffer.alloc(5_000_000, 32)), headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, status: 413, orStatus: 400, names: /payload_too_large|header\.Content-Encoding/ },
    { name: 'body over the limit', command, body: { ...ok(), payload: { ...sample.payload, blob: 'x'.repeat(300_000) } }, status: 413, names: 'payload_too_large' },
    { name: 'If-Match garbage', command, body: ok(), headers: { 'If-Match': 'yesterday' }, status: 400, names: 'header.If-Match' },
    { name: 'If-Match disagrees with expectedVersion', command, body: { ...ok(), expectedVersion: 0 }, headers: { 'If-Match': '"4"' }, status: 400, names: 'body.expectedVersion' },
    { name: 'X-Correlation-Id too long', command, body: ok(), headers: { 'X-Correlation-Id': 'c'.repeat(500) }, status: 400, names: 'x-correlation-id' },
    { name: 'X-Causation-Id with spaces', command, body: ok(), headers: { 'X-Causation-Id': 'a b' }, status: 400, names: 'x-causation-id' },
    { name: 'unknown command name of 8000 characters', command: 'X'.repeat(8000), body: ok(), status: 404, names: 'unknown command' },
    { name: 'unknown command name', command: 'LaunchRocket', body: ok(), status: 404, names: 'unknown command' },
  ];
  return cases;
}
