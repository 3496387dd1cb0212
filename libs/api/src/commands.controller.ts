import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@service-ledger/auth';
import type { CommandResult } from '@service-ledger/core';
import { CommandBus } from '@nestjs/cqrs';
import { ExecuteCommand, zodToValidationError } from '@service-ledger/domain';
import { z } from 'zod';
import { CurrentPrincipal } from './auth.guard';
import { commandLabels, Metrics } from './metrics';
import { secondsSince } from '@service-ledger/telemetry';
import { ValidationError } from '@service-ledger/core';

/** The envelope of every command request; `payload` is validated by the command's own schema. */
export const commandRequest = z.strictObject({
  commandId: z.uuid({ error: 'must be a UUID chosen by the client (retries reuse it)' }),
  occurredAt: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time with a time zone' }).optional(),
  payload: z.record(z.string(), z.unknown(), { error: 'must be an object' }),
});

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The correlation id a request's events carry: a well-formed X-Correlation-Id, else the command id. */
export function correlationIdOf(header: unknown, commandId: unknown): string | undefined {
  if (typeof header === 'string' && CORRELATION_ID.test(header)) return header;
  return typeof commandId === 'string' && CORRELATION_ID.test(commandId) ? commandId : undefined;
}

export function toResponse(result: CommandResult) {
  return {
    streamId: result.streamId,
    version: result.version,
    // The readable number to tell the caller (new cases on a SQL store; null otherwise).
    caseNumber: result.events[0]?.caseNumber ?? null,
    duplicate: result.duplicate,
    events: result.events.map((e) => ({ ...(e.caseNumber ? { caseNumber: e.caseNumber } : {}), eventId: e.eventId, type: e.type, streamVersion: e.streamVersion, occurredAt: e.occurredAt, recordedAt: e.recordedAt })),
  };
}

@ApiTags('commands')
@ApiBearerAuth()
@Controller('api/commands')
export class CommandsController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(Metrics) private readonly metrics: Metrics,
  ) {}

  @Post(':name')
  @HttpCode(200)
  async execute(@Param('name') name: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @Req() req: { headers: Record<string, string | undefined> }) {
    const started = process.hrtime.bigint();
    const m = this.metrics.commands;
    try {
      const parsed = commandRequest.safeParse(body ?? {});
      if (!parsed.success) throw zodToValidationError(parsed.error, 'body');
      for (const header of ['x-correlation-id', 'x-causation-id'] as const) {
        if (req.headers[header] !== undefined && !CORRELATION_ID.test(req.headers[header]!)) throw ValidationError.field(header, 'format', 'must be 1–128 letters, digits or . _ : -');
      }
      const result = await this.commands.execute<ExecuteCommand, CommandResult>(
        new ExecuteCommand(name, parsed.data.payload, {
          commandId: parsed.data.commandId,
          occurredAt: parsed.data.occurredAt,
          actor: { staffId: principal.staffId, role: principal.role },
          projectScope: principal.projects,
          correlationId: req.headers['x-correlation-id'] ?? parsed.data.commandId,
          causationId: req.headers['x-causation-id'] ?? null,
        }),
      );
      const labels = commandLabels(name, result);
      m.total.inc(labels);
      m.duration.observe(labels, secondsSince(started));
      return toResponse(result);
    } catch (error) {
      const labels = commandLabels(name, { error });
      m.total.inc(labels);
      m.duration.observe(labels, secondsSince(started));
      throw error;
    }
  }
}

