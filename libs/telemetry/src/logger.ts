import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs (one object per line) for the background processes. Each line carries `process`; lines about
 * events carry their `correlationId`s, the id the API took from `X-Correlation-Id` (or the command id), so one request
 * can be followed through the store, the relay and the projector. Never log event data: it may hold personal data.
 */
export function processLogger(process: string, level = 'info'): Logger {
  return pino({ level, base: { process }, timestamp: pino.stdTimeFunctions.isoTime });
}

export type { Logger };

/** The distinct correlation ids of a batch (capped, so a 20 000-event catch-up batch does not write a megabyte line). */
export function correlationIdsOf(events: { correlationId: string }[], max = 20): string[] {
  const ids = new Set<string>();
  for (const e of events) {
    ids.add(e.correlationId);
    if (ids.size >= max) break;
  }
  return [...ids];
}
