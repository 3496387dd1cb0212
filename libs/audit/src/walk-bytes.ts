import { Buffer, isUtf8 } from 'node:buffer';
import { hash as oneShotHash } from 'node:crypto';

/**
 * The verify worker's hot path: an event row of SealedLog.readEvents checked against its stored hash straight from
 * the batch's UTF-8 bytes. The canonical event (canonicalEvent) is written byte by byte into one reused buffer and
 * hashed from there: free texts arrive as PostgreSQL's to_json text, which for a text without a backslash is the
 * exact bytes JSON.stringify gives (both escape only `"`, `\` and control characters, and neither escapes anything
 * else), uuids and integers are already in JSON's form, times are formatted from their milliseconds as toISOString
 * does, and the data's jsonb text is rewritten into canonicalJson's form (keys sorted, no spaces, numbers as
 * JavaScript prints them) without building its objects. A row this does not cover exactly (an escape, a non-ASCII
 * key, a time outside years 0–9999, anything unexpected) returns `null` and takes the general path, which parses
 * it as before: the two paths give the same answer, this one without the garbage (garbage collection and UTF-8
 * decoding were 40 % of the worker's profile).
 *
 * Strings this file hands back (stream ids, hashes, positions) are in "byte form": one character per UTF-8 byte
 * (latin1), so they compare and hash exactly like the bytes; `textOf` turns one back into the text it stands for.
 */

let src: Buffer = Buffer.alloc(0);
let len = 0;
let p = 0;
let out: Buffer = Buffer.allocUnsafe(1 << 16);
let w = 0;
let scratch: Buffer = Buffer.allocUnsafe(1 << 16);
/** Per member of the objects being rewritten: key start, key end (in src), member start, member end (in out). */
let members = new Int32Array(1024);
let sp = 0;
let order = new Int32Array(256);

const ascii = (s: string) => Buffer.from(s, 'latin1');
const K_ACTOR = ascii('{"actor":{"role":');
const K_STAFF = ascii(',"staffId":');
const K_CAUSATION = ascii('},"causationId":');
const K_COMMAND = ascii(',"commandId":');
const K_CORRELATION = ascii(',"correlationId":');
const K_DATA = ascii(',"data":');
const K_EVENT = ascii(',"eventId":"');
const K_OCCURRED = ascii('","occurredAt":"');
const K_PROJECT = ascii('","projectId":');
const K_RECORDED = ascii(',"recordedAt":"');
const K_SCHEMA = ascii('","schemaVersion":');
const K_STREAM = ascii(',"streamId":');
const K_VERSION = ascii(',"streamVersion":');
const K_TYPE = ascii(',"type":');
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

const put = (k: Uint8Array) => {
  for (let i = 0; i < k.length; i++) out[w++] = k[i];
};
const copy = (a: number, z: number) => {
  for (let i = a; i < z; i++) out[w++] = src[i];
};
const skipSpaces = () => {
  // Inside a walk row the data never holds a raw tab or newline (they end fields and rows).
  while (p < len && (src[p] === 0x20 || src[p] === 0x0d)) p++;
};

/** Bytewise comparison of two ASCII keys in src: JavaScript's default sort order for such strings. */
function compareKeys(a: number, aEnd: number, b: number, bEnd: number): number {
  const n = Math.min(aEnd - a, bEnd - b);
  for (let i = 0; i < n; i++) {
    const d = src[a + i] - src[b + i];
    if (d !== 0) return d;
  }
  return aEnd - a - (bEnd - b);
}

function jsonValue(depth: number): boolean {
  if (depth > 200) return false;
  skipSpaces();
  if (p >= len) return false;
  const c = src[p];
  if (c === 0x22) return jsonString();
  if (c === 0x7b) return jsonObject(depth);
  if (c === 0x5b) return jsonArray(depth);
  if (c === 0x74) return literal('true');
  if (c === 0x66) return literal('false');
  if (c === 0x6e) return literal('null');
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return jsonNumber();
  return false;
}

function literal(word: string): boolean {
  if (p + word.length > len) return false;
  for (let i = 0; i < word.length; i++) if (src[p + i] !== word.charCodeAt(i)) return false;
  copy(p, p + word.length);
  p += word.length;
  return true;
}

/** A string without escapes is its own canonical form (see the file comment); one with an escape is left to JSON.parse. */
function jsonString(): boolean {
  const start = p++;
  for (;;) {
    if (p >= len) return false;
    const c = src[p];
    if (c === 0x22) break;
    if (c === 0x5c || c < 0x20) return false;
    p++;
  }
  p++;
  copy(start, p);
  return true;
}

/** Integers of up to 15 digits print as they are read; any other number as JavaScript prints its value. */
function jsonNumber(): boolean {
  const start = p;
  while (p < len) {
    const c = src[p];
    if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45) p++;
    else break;
  }
  const digits = src[start] === 0x2d ? start + 1 : start;
  let plain = p > digits && p - digits <= 15 && (src[digits] !== 0x30 || (p - digits === 1 && digits === start));
  for (let i = digits; plain && i < p; i++) plain = src[i] >= 0x30 && src[i] <= 0x39;
  if (plain) {
    copy(start, p);
    return true;
  }
  const token = src.toString('latin1', start, p);
  if (!JSON_NUMBER.test(token)) return false;
  const printed = JSON.stringify(Number(token));
  for (let i = 0; i < printed.length; i++) out[w++] = printed.charCodeAt(i);
  return true;
}

function jsonArray(depth: number): boolean {
  p++;
  out[w++] = 0x5b;
  skipSpaces();
  if (src[p] === 0x5d) {
    p++;
    out[w++] = 0x5d;
    return true;
  }
  for (;;) {
    if (!jsonValue(depth + 1)) return false;
    skipSpaces();
    const c = src[p];
    if (c === 0x2c) {
      p++;
      out[w++] = 0x2c;
    } else if (c === 0x5d) {
      p++;
      out[w++] = 0x5d;
      return true;
    } else return false;
  }
}

/** Members are written as they come, then reordered in place when their keys were not in canonical order. */
function jsonObject(depth: number): boolean {
  p++;
  out[w++] = 0x7b;
  skipSpaces();
  if (src[p] === 0x7d) {
    p++;
    out[w++] = 0x7d;
    return true;
  }
  const base = sp;
  let count = 0;
  let sorted = true;
  for (;;) {
    skipSpaces();
    if (src[p] !== 0x22) return false;
    const keyStart = ++p;
    for (;;) {
      if (p >= len) return false;
      const c = src[p];
      if (c === 0x22) break;
      // Non-ASCII keys would sort by UTF-16 code units, not bytes; escaped keys need decoding: the general path.
      if (c === 0x5c || c < 0x20 || c >= 0x80) return false;
      p++;
    }
    const keyEnd = p++;
    skipSpaces();
    if (src[p] !== 0x3a) return false;
    p++;
    if (sp + 4 > members.length) {
      const grown = new Int32Array(members.length * 2);
      grown.set(members);
      members = grown;
    }
    const slot = sp;
    sp += 4;
    members[slot] = keyStart;
    members[slot + 1] = keyEnd;
    members[slot + 2] = w;
    copy(keyStart - 1, keyEnd + 1);
    out[w++] = 0x3a;
    if (!jsonValue(depth + 1)) return false;
    members[slot + 3] = w;
    if (count > 0) {
      const d = compareKeys(members[slot - 4], members[slot - 3], keyStart, keyEnd);
      // A repeated key: JSON.parse keeps the last one; the general path does exactly that.
      if (d === 0) return false;
      if (d > 0) sorted = false;
    }
    count++;
    skipSpaces();
    const c = src[p];
    if (c === 0x2c) {
      p++;
      out[w++] = 0x2c;
    } else if (c === 0x7d) {
      p++;
      break;
    } else return false;
  }
  if (!sorted && !reorder(base, count)) return false;
  out[w++] = 0x7d;
  sp = base;
  return true;
}

function reorder(base: number, count: number): boolean {
  if (count > order.length) order = new Int32Array(count * 2);
  for (let i = 0; i < count; i++) {
    // Insertion sort: objects are small, and a repeated key was refused above.
    let j = i;
    while (j > 0) {
      const prev = base + order[j - 1] * 4;
      const mine = base + i * 4;
      if (compareKeys(members[prev], members[prev + 1], members[mine], members[mine + 1]) < 0) break;
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }
  const from = members[base + 2];
  const to = w;
  if (scratch.length < to - from) scratch = Buffer.allocUnsafe(2 * (to - from));
  out.copy(scratch, 0, from, to);
  w = from;
  for (let i = 0; i < count; i++) {
    const m = base + order[i] * 4;
    if (i > 0) out[w++] = 0x2c;
    const a = members[m + 2] - from;
    const z = members[m + 3] - from;
    for (let k = a; k < z; k++) out[w++] = scratch[k];
  }
  return w === to;
}

const TEXT_FIELDS = [5, 7, 11, 12, 13, 14];
const NULLABLE_FIELDS = [2, 3, 15, 16, 17];
/** Field bounds of the row being read: start and end of fields 0–17 (the data, field 18, runs to the row's end). */
const bounds = new Int32Array(36);

/** A JSON string field (to_json) without escapes, or `null` when `nullable`: true when it can be copied as it is. */
function plainJsonText(f: number, nullable: boolean): boolean {
  const a = bounds[2 * f];
  const z = bounds[2 * f + 1];
  if (nullable && z - a === 4 && src[a] === 0x6e && src[a + 1] === 0x75 && src[a + 2] === 0x6c && src[a + 3] === 0x6c) return true;
  if (z - a < 2 || src[a] !== 0x22 || src[z - 1] !== 0x22) return false;
  for (let i = a + 1; i < z - 1; i++) {
    const c = src[i];
    if (c === 0x22 || c === 0x5c || c < 0x20) return false;
  }
  return true;
}

const isNull = (f: number) => bounds[2 * f + 1] - bounds[2 * f] === 4 && src[bounds[2 * f]] === 0x6e;

/** An integer in PostgreSQL's output form (which is also JSON's), or NaN. */
function integer(f: number): number {
  const a = bounds[2 * f];
  const z = bounds[2 * f + 1];
  const digits = src[a] === 0x2d ? a + 1 : a;
  if (z <= digits || z - digits > 15 || (src[digits] === 0x30 && z - digits > 1) || (src[digits] === 0x30 && digits > a)) return NaN;
  let n = 0;
  for (let i = digits; i < z; i++) {
    const c = src[i] - 0x30;
    if (c < 0 || c > 9) return NaN;
    n = n * 10 + c;
  }
  return digits > a ? -n : n;
}

/** toISOString's text for `ms`, written into out; the date part is kept per field (most events share a day). */
const dayCache = [
  { day: NaN, text: '' },
  { day: NaN, text: '' },
];
function isoTime(ms: number, cache: { day: number; text: string }): boolean {
  const day = Math.floor(ms / 86_400_000);
  if (day !== cache.day) {
    if (!(Math.abs(ms) <= 8.64e15)) return false;
    const text = new Date(day * 86_400_000).toISOString();
    // Years outside 0000–9999 are written with a sign and six digits: the general path.
    if (text.length !== 24) return false;
    cache.day = day;
    cache.text = text.slice(0, 11);
  }
  const t = cache.text;
  for (let i = 0; i < 11; i++) out[w++] = t.charCodeAt(i);
  let rest = ms - day * 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  const milli = rest - s * 1000;
  out[w++] = 0x30 + Math.floor(h / 10);
  out[w++] = 0x30 + (h % 10);
  out[w++] = 0x3a;
  out[w++] = 0x30 + Math.floor(m / 10);
  out[w++] = 0x30 + (m % 10);
  out[w++] = 0x3a;
  out[w++] = 0x30 + Math.floor(s / 10);
  out[w++] = 0x30 + (s % 10);
  out[w++] = 0x2e;
  out[w++] = 0x30 + Math.floor(milli / 100);
  out[w++] = 0x30 + (Math.floor(milli / 10) % 10);
  out[w++] = 0x30 + (milli % 10);
  out[w++] = 0x5a;
  return true;
}

/** What the checks need of an event row, read without building the envelope (that is built only for a finding). */
export interface EventRec {
  txid: string;
  position: string;
  /** Stored hash and previous hash, byte form. */
  hash: string | null;
  prevHash: string | null;
  /** Stream id, byte form: the streams map's key. */
  stream: string;
  /** The case number, byte form (null when the event has none). */
  caseNumber: string | null;
  version: number;
  recordedMs: number;
  /** The stored hash is sha256(previous hash, canonical event) of the row as stored. */
  contentOk: boolean;
  /** The row's bytes in its batch, parsed again only when a finding needs the event. */
  batch: Buffer;
  start: number;
  end: number;
}

/** Enough room in out for a row of `n` bytes: numbers can print up to 6× longer than written (1e20), times from "0". */
function reserve(n: number): void {
  const need = n * 6 + 1024;
  if (out.length < need) out = Buffer.allocUnsafe(need * 2);
}

/**
 * The fast reading of the event row at `start`–`rowEnd` of the current batch (`text` is the batch in byte form): its
 * record, or null when the row is not of the shape covered here.
 */
function fastEventRow(text: string, start: number, rowEnd: number): EventRec | null {
  // The row's bounds limit every read below: nothing can run into the next row.
  len = rowEnd;
  let k = start;
  for (let f = 0; f < 18; f++) {
    bounds[2 * f] = k;
    while (k < len && src[k] !== 0x09) k++;
    if (k >= len) return null;
    bounds[2 * f + 1] = k++;
  }
  const version = integer(6);
  const schemaVersion = integer(8);
  const occurredMs = integer(9);
  const recordedMs = integer(10);
  if (Number.isNaN(version + schemaVersion + occurredMs + recordedMs)) return null;
  for (const f of TEXT_FIELDS) if (!plainJsonText(f, false)) return null;
  for (const f of NULLABLE_FIELDS) if (!plainJsonText(f, true)) return null;
  for (let i = bounds[8]; i < bounds[9]; i++) if (src[i] === 0x22 || src[i] === 0x5c || src[i] < 0x20) return null;
  reserve(rowEnd - start);
  w = 0;
  const prevNull = isNull(3);
  if (!prevNull) copy(bounds[6] + 1, bounds[7] - 1);
  out[w++] = 0x0a;
  put(K_ACTOR);
  copy(bounds[24], bounds[25]);
  put(K_STAFF);
  copy(bounds[22], bounds[23]);
  put(K_CAUSATION);
  copy(bounds[30], bounds[31]);
  put(K_COMMAND);
  copy(bounds[32], bounds[33]);
  put(K_CORRELATION);
  copy(bounds[28], bounds[29]);
  put(K_DATA);
  p = k;
  sp = 0;
  if (!jsonValue(0)) return null;
  skipSpaces();
  if (p !== rowEnd) return null;
  put(K_EVENT);
  copy(bounds[8], bounds[9]);
  put(K_OCCURRED);
  if (!isoTime(occurredMs, dayCache[0])) return null;
  put(K_PROJECT);
  copy(bounds[26], bounds[27]);
  put(K_RECORDED);
  if (!isoTime(recordedMs, dayCache[1])) return null;
  put(K_SCHEMA);
  copy(bounds[16], bounds[17]);
  put(K_STREAM);
  copy(bounds[10], bounds[11]);
  put(K_VERSION);
  copy(bounds[12], bounds[13]);
  put(K_TYPE);
  copy(bounds[14], bounds[15]);
  out[w++] = 0x7d;
  const digest = oneShotHash('sha256', out.subarray(0, w), 'hex');
  let contentOk = false;
  let hash: string | null = null;
  if (!isNull(2)) {
    const a = bounds[4] + 1;
    const z = bounds[5] - 1;
    contentOk = z - a === digest.length;
    for (let i = 0; contentOk && i < digest.length; i++) contentOk = digest.charCodeAt(i) === src[a + i];
    // The digest is a string of its own; a slice of the batch would keep the whole batch alive in the streams map.
    hash = contentOk ? digest : src.toString('latin1', a, z);
  }
  return {
    txid: text.slice(bounds[0], bounds[1]),
    position: text.slice(bounds[2], bounds[3]),
    hash,
    prevHash: prevNull ? null : text.slice(bounds[6] + 1, bounds[7] - 1),
    stream: text.slice(bounds[10] + 1, bounds[11] - 1),
    caseNumber: isNull(17) ? null : text.slice(bounds[34] + 1, bounds[35] - 1),
    version,
    recordedMs,
    contentOk,
    batch: src,
    start,
    end: rowEnd,
  };
}

/** A byte-form string back to the text it stands for. */
export const textOf = (byteForm: string): string => (/[^\x00-\x7f]/.test(byteForm) ? Buffer.from(byteForm, 'latin1').toString('utf8') : byteForm);
/** A byte-form string that does not share its characters with a batch (one kept in the streams map for the run). */
export const ownCopy = (s: string): string => Buffer.from(s, 'latin1').toString('latin1');
/** A text in byte form. */
export const byteFormOf = (s: string): string => (/[^\x00-\x7f]/.test(s) ? Buffer.from(s, 'utf8').toString('latin1') : s);

/** A batch's bytes as one Buffer (no copy) and its byte-form text, after checking it is UTF-8 at all. */
export function batchOf(rows: string | Uint8Array, stream: 'log' | 'events'): { bytes: Buffer; text: string } {
  const bytes = typeof rows === 'string' ? Buffer.from(rows, 'utf8') : Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength);
  if (!isUtf8(bytes)) throw new Error(`verify: a ${stream} batch is not valid UTF-8`);
  return { bytes, text: bytes.toString('latin1') };
}

/**
 * Every event row of a batch, each read by the fast path or, when that does not cover it, by `general` (the row's
 * text → its record; it throws on a row of the wrong shape, as the walk always has).
 */
export function readEventRecs(bytes: Buffer, text: string, general: (batch: Buffer, start: number, end: number) => EventRec): EventRec[] {
  src = bytes;
  len = bytes.length;
  const recs: EventRec[] = [];
  const size = bytes.length;
  let i = 0;
  while (i < size) {
    let end = bytes.indexOf(0x0a, i);
    if (end < 0) end = size;
    src = bytes;
    recs.push(fastEventRow(text, i, end) ?? general(bytes, i, end));
    i = end + 1;
  }
  return recs;
}

/** sha256 (hex) of a byte-form string: the bytes it stands for. */
export function hashByteForm(s: string): string {
  if (out.length < s.length) out = Buffer.allocUnsafe(s.length * 2);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return oneShotHash('sha256', out.subarray(0, s.length), 'hex');
}

/**
 * canonicalJson(JSON.parse(text)) by the fast path, or null where that path leaves the text to the general one: the
 * data rewrite on its own, so that its agreement with canonicalJson can be tested over many values.
 */
export function canonicalJsonText(text: string): string | null {
  src = Buffer.from(text, 'utf8');
  len = src.length;
  reserve(len);
  p = 0;
  w = 0;
  sp = 0;
  if (!jsonValue(0)) return null;
  skipSpaces();
  if (p < len) return null;
  return out.toString('utf8', 0, w);
}
