import { DependencyUnavailableError, DomainRuleViolation, type Role, ServiceLedgerError, ValidationError, WrongExpectedVersionError } from '@service-ledger/core';
import { z } from 'zod';
import { type CommandPipeline, zodToValidationError } from './command-pipeline';
import { importLine } from './import-history';

/**
 * Who a front-desk system publishing commands is: one configured identity per intake (role and projects from the
 * environment). Its role and projects bound what any message may do, whatever the message says.
 */
export interface ProducerIdentity {
  staffId: string;
  role: Role;
  projects: string[] | '*';
}

export type IntakeOutcome =
  | { outcome: 'accepted' | 'duplicate'; commandId: string; command: string; streamId: string; version: number; events: { eventId: string; type: string; streamVersion: number }[] }
  | { outcome: 'rejected'; commandId: string; command: string; status: number; error: string; message: string; rule?: string; issues?: { field: string; rule: string; message: string }[] };

/** A message that is not a command at all (no JSON object, no usable commandId): it goes to the dead-letter topic. */
export class MalformedCommandError extends Error {}

/**
 * The largest message the intake reads: the API's request body limit (256 KiB), so a command the API would refuse
 * cannot come in through Kafka instead, and a huge message is not parsed at all.
 */
export const MAX_INTAKE_MESSAGE_BYTES = 256 * 1024;

const commandIdOnly = z.object({ commandId: z.uuid(), command: z.string().max(100).optional() });

/**
 * Applies one intake message (the JSON line `service-ledger import` reads) through the same pipeline as the API:
 * idempotent by commandId, role and projects from the producer identity. The line's actor names the staff member who
 * did the work; its role must be the producer's, so a message cannot raise its own rights. A store outage is thrown
 * (the message is retried); every other refusal is an outcome with the rule and the field.
 */
export async function applyIntakeMessage(pipeline: CommandPipeline, producer: ProducerIdentity, value: string, correlationId?: string): Promise<IntakeOutcome> {
  if (Buffer.byteLength(value, 'utf8') > MAX_INTAKE_MESSAGE_BYTES) throw new MalformedCommandError(`message larger than ${MAX_INTAKE_MESSAGE_BYTES / 1024} KiB (the API's body limit)`);
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new MalformedCommandError('value is not JSON');
  }
  const ids = commandIdOnly.safeParse(json);
  if (!ids.success) throw new MalformedCommandError(typeof json === 'object' && json !== null ? 'commandId missing or not a UUID' : 'value is not a JSON object');
  const { commandId } = ids.data;
  const command = ids.data.command ?? '';
  try {
    const parsed = importLine.safeParse(json);
    if (!parsed.success) throw zodToValidationError(parsed.error, 'message');
    const line = parsed.data;
    if (line.actor.role !== producer.role) {
      throw ValidationError.field('actor.role', 'intake.producer_role', `must be '${producer.role}', the role this intake publishes as`);
    }
    const result = await pipeline.execute(line.command, line.payload, {
      commandId,
      occurredAt: line.occurredAt,
      actor: { staffId: line.actor.staffId, role: producer.role },
      projectScope: producer.projects,
      correlationId: correlationId ?? commandId,
      causationId: null,
    });
    return {
      outcome: result.duplicate ? 'duplicate' : 'accepted',
      commandId,
      command,
      streamId: result.streamId,
      version: result.version,
      events: result.events.map((e) => ({ eventId: e.eventId, type: e.type, streamVersion: e.streamVersion })),
    };
  } catch (error) {
    if (error instanceof DependencyUnavailableError) throw error;
    if (error instanceof ServiceLedgerError) {
      return {
        outcome: 'rejected', commandId, command, status: error.httpStatus, error: error.code, message: error.message,
        ...(error instanceof DomainRuleViolation ? { rule: error.rule } : {}),
        ...(error instanceof ValidationError ? { issues: error.issues } : {}),
        ...(error instanceof WrongExpectedVersionError ? { rule: 'concurrency_conflict' } : {}),
      };
    }
    throw error;
  }
}
