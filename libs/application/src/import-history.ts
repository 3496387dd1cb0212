import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { assertSafeInput, ROLES, type Role, ServiceLedgerError } from '@service-ledger/core';
import { CommandPipeline, zodToValidationError } from './command-pipeline';
import type { EventStore } from '@service-ledger/event-store';

/** One line of an import file (and one message of the Kafka intake): the API's command request plus the actor who did it. */
export const importLine = z.strictObject({
  command: z.string().min(1),
  commandId: z.uuid(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  actor: z.strictObject({ staffId: z.string().min(1).max(64), role: z.enum(ROLES as unknown as [Role, ...Role[]]) }),
  payload: z.record(z.string(), z.unknown()),
});

export interface ImportReport {
  applied: number;
  duplicates: number;
  failed: { line: number; error: string }[];
}

/**
 * Applies an NDJSON file of commands through the same pipeline as the API, in file order. Each line is
 * all-or-nothing; re-running a file appends nothing new (commandIds make every line idempotent).
 */
export async function importFile(store: EventStore, file: string, log: (line: string) => void = () => undefined): Promise<ImportReport> {
  const pipeline = new CommandPipeline(store);
  const report: ImportReport = { applied: 0, duplicates: 0, failed: [] };
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const raw of lines) {
    n += 1;
    if (raw.trim() === '') continue;
    try {
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        throw new Error('malformed JSON');
      }
      // Before zod, whose record parsing would drop a '__proto__' key instead of refusing it.
      assertSafeInput(json, 'line');
      const parsed = importLine.safeParse(json);
      if (!parsed.success) throw zodToValidationError(parsed.error, 'line');
      const l = parsed.data;
      const result = await pipeline.execute(l.command, (json as { payload: unknown }).payload, {
        commandId: l.commandId,
        occurredAt: l.occurredAt,
        actor: l.actor,
        projectScope: '*',
        correlationId: l.commandId,
        causationId: null,
      });
      if (result.duplicate) report.duplicates += 1;
      else report.applied += 1;
    } catch (error) {
      const message = error instanceof ServiceLedgerError || error instanceof Error ? error.message : String(error);
      report.failed.push({ line: n, error: message });
      log(`line ${n}: ${message}`);
    }
  }
  return report;
}
