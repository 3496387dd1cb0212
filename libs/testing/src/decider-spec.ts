import { type DecideContext, type DomainEvent, type EventEnvelope, newId } from '@service-ledger/core';
import { findCommand } from '@service-ledger/application';

/** Given/when/then for catalogue commands: given past events, when a command, then events or a rule violation. */
export function given(...past: DomainEvent[]) {
  return {
    when(name: string, payload: Record<string, unknown>, ctx: Partial<DecideContext> = {}) {
      const command = findCommand(name);
      if (!command) throw new Error(`no command ${name}`);
      const envelopes = past.map((e, i) => envelope(e, i + 1));
      const state = envelopes.reduce(command.aggregate.evolve, command.aggregate.initialState());
      const parsed = command.schema.parse(payload);
      const run = () =>
        command.decide(parsed, state, {
          occurredAt: ctx.occurredAt ?? new Date('2026-03-10T02:00:00Z'),
          actor: ctx.actor ?? { staffId: 'r1', role: 'receptionist' },
          projectId: 'p1',
          related: ctx.related ?? {},
          policy: ctx.policy,
        });
      return {
        then: (...types: string[]) => expect(run().map((e) => e.type)).toEqual(types),
        thenEvents: () => run(),
        thenRejects: (rule: string) => expect(run).toThrow(expect.objectContaining({ rule })),
      };
    },
  };
}

export function envelope(e: DomainEvent, version: number, occurredAt = '2026-03-01T02:00:00.000Z'): EventEnvelope {
  return {
    ...e,
    eventId: newId(),
    streamId: 's',
    streamVersion: version,
    globalPosition: BigInt(version),
    occurredAt,
    recordedAt: occurredAt,
    actor: { staffId: 'r1', role: 'receptionist' },
    projectId: 'p1',
    correlationId: 'c',
    causationId: null,
  };
}
