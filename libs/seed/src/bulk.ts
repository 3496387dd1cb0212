import { type EventEnvelope, newId } from '@service-ledger/core';
import { findCommand } from '@service-ledger/domain';
import { generateHistory, type SeedOptions } from './generator';

/**
 * Large sample sets for benchmarks, fast: the same generated commands and the same pure decisions as the
 * pipeline, folded in memory and emitted as versioned events for a bulk load into an empty store.
 * Commands a rule refuses are skipped (counted), exactly as the pipeline would refuse them.
 */
export function* bulkEvents(options: SeedOptions, batchSize = 20_000): Generator<EventEnvelope[], { commands: number; refused: number }> {
  const { commands } = generateHistory(options);
  const states = new Map<string, { state: unknown; version: number }>();
  let batch: EventEnvelope[] = [];
  let position = 0n;
  let refused = 0;
  for (const c of commands) {
    const def = findCommand(c.name)!;
    const payload = def.schema.parse(c.payload);
    const streamId = def.streamId(payload);
    const current = states.get(streamId) ?? { state: def.aggregate.initialState(), version: 0 };
    if (def.creates === current.version > 0) {
      refused += 1;
      continue;
    }
    const related: Record<string, unknown> = {};
    for (const id of def.related?.(payload) ?? []) related[id] = states.get(id)?.state;
    const occurredAt = new Date(c.at).toISOString();
    let decided;
    try {
      decided = def.decide(payload, current.state, { occurredAt: new Date(c.at), actor: c.actor, projectId: def.creates ? def.projectId!(payload) : '', related });
    } catch {
      refused += 1;
      continue;
    }
    const projectId = def.creates ? def.projectId!(payload) : (states.get(`${streamId}#project`)?.state as string);
    if (def.creates) states.set(`${streamId}#project`, { state: projectId, version: 0 });
    let { state, version } = current;
    for (const d of decided) {
      version += 1;
      position += 1n;
      const e: EventEnvelope = {
        eventId: newId(), streamId, streamVersion: version, globalPosition: position, type: d.type, schemaVersion: d.schemaVersion,
        data: JSON.parse(JSON.stringify(d.data)), occurredAt, recordedAt: occurredAt, actor: c.actor, projectId, correlationId: c.commandId, causationId: null, commandId: c.commandId,
      };
      state = def.aggregate.evolve(state, e);
      batch.push(e);
    }
    states.set(streamId, { state, version });
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
  return { commands: commands.length, refused };
}
