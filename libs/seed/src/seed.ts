import { systemClock, type Clock } from '@service-ledger/core';
import { CommandPipeline } from '@service-ledger/application';
import type { EventStore } from '@service-ledger/event-store';
import { generateHistory, type SeedOptions } from './generator';

export interface SeedReport {
  commands: number;
  applied: number;
  duplicates: number;
  events: number;
  failed: { name: string; error: string }[];
}

/**
 * Seeds a store through the real command pipeline (validation, rules, idempotency), in time order.
 * Re-running with the same options appends nothing: every command id is deterministic.
 */
export async function seedStore(store: EventStore, options: SeedOptions, onProgress?: (done: number, total: number) => void, clock: Clock = systemClock): Promise<SeedReport> {
  const until = options.until ?? clock.now();
  const { commands } = generateHistory({ ...options, until });
  const pipeline = new CommandPipeline(store, clock);
  const report: SeedReport = { commands: commands.length, applied: 0, duplicates: 0, events: 0, failed: [] };
  for (let i = 0; i < commands.length; i++) {
    const c = commands[i];
    try {
      const result = await pipeline.execute(c.name, c.payload, {
        commandId: c.commandId,
        actor: c.actor,
        projectScope: '*',
        occurredAt: new Date(c.at).toISOString(),
        correlationId: c.commandId,
        causationId: null,
      });
      if (result.duplicate) report.duplicates += 1;
      else {
        report.applied += 1;
        report.events += result.events.length;
      }
    } catch (error) {
      report.failed.push({ name: c.name, error: (error as Error).message });
    }
    if (onProgress && (i % 2000 === 0 || i === commands.length - 1)) onProgress(i + 1, commands.length);
  }
  return report;
}
