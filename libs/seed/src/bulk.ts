import { changeFromEvent, PolicyHistory } from '@service-ledger/policies';
import { type EventEnvelope, newId } from '@service-ledger/core';
import { findCommand } from '@service-ledger/application';
import { type SeedOptions, streamHistory } from './generator';

/** A stream untouched for this long has seen its last command (reworks come within the 3-month warranty). */
const FORGET_AFTER_MS = 120 * 24 * 3600_000;

/**
 * Large sample sets for benchmarks, fast: the same generated commands and the same pure decisions as the
 * pipeline, folded in memory and emitted as versioned events (global positions from 1) for a bulk load into an
 * empty store or straight into a projector. Commands a rule refuses are skipped (counted), exactly as the
 * pipeline would refuse them. Streams in bounded memory: the history comes from `streamHistory`, and the state
 * of a stream untouched for 120 days is forgotten (a later command on it would be counted as refused).
 */
export function* bulkEvents(options: SeedOptions, batchSize = 20_000): Generator<EventEnvelope[], { commands: number; refused: number }> {
  const states = new Map<string, { state: unknown; version: number; projectId: string; lastAt: number }>();
  const policies = new PolicyHistory();
  let batch: EventEnvelope[] = [];
  let position = 0n;
  let commands = 0;
  let refused = 0;
  let sweptAt = 0;
  for (const c of streamHistory(options)) {
    commands += 1;
    if (c.at - sweptAt > 30 * 24 * 3600_000) {
      for (const [id, s] of states) if (c.at - s.lastAt > FORGET_AFTER_MS) states.delete(id);
      sweptAt = c.at;
    }
    const def = findCommand(c.name)!;
    const payload = def.schema.parse(c.payload);
    const streamId = def.streamId(payload);
    const current = states.get(streamId);
    if (!def.opens && def.creates === (current?.version ?? 0) > 0) {
      refused += 1;
      continue;
    }
    const related: Record<string, unknown> = {};
    for (const id of def.related?.(payload) ?? []) related[id] = states.get(id)?.state;
    const occurredAt = new Date(c.at).toISOString();
    const projectId = def.creates || def.opens ? def.projectId!(payload) : current!.projectId;
    // As the pipeline does: a command that reads the policy gets the one in force for its project then.
    const policy = def.readsPolicy ? policies.inForce(projectId, c.at) : undefined;
    let decided;
    try {
      decided = def.decide(payload, current?.state ?? def.aggregate.initialState(), { occurredAt: new Date(c.at), actor: c.actor, projectId: def.creates ? projectId : '', related, policy });
    } catch {
      refused += 1;
      continue;
    }
    let state = current?.state ?? def.aggregate.initialState();
    let version = current?.version ?? 0;
    for (const d of decided) {
      version += 1;
      position += 1n;
      const e: EventEnvelope = {
        eventId: newId(), streamId, streamVersion: version, globalPosition: position, type: d.type, schemaVersion: d.schemaVersion,
        data: JSON.parse(JSON.stringify(d.data)), occurredAt, recordedAt: occurredAt, actor: c.actor, projectId, correlationId: c.commandId, causationId: null, commandId: c.commandId,
      };
      state = def.aggregate.evolve(state, e);
      if (e.type === 'PolicyChanged') policies.add(changeFromEvent(e));
      batch.push(e);
    }
    states.set(streamId, { state, version, projectId, lastAt: c.at });
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
  return { commands, refused };
}
