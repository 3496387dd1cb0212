import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@service-ledger/auth';
import type { CommandResult } from '@service-ledger/core';
import { CommandBus } from '@nestjs/cqrs';
import { ExecuteCommand, zodToValidationError } from '@service-ledger/domain';
import { z } from 'zod';
import { CurrentPrincipal } from './auth.guard';
import { Metrics } from './metrics';

/** The envelope of every command request; `payload` is validated by the command's own schema. */
export const commandRequest = z.strictObject({
  commandId: z.uuid({ error: 'must be a UUID chosen by the client (retries reuse it)' }),
  occurredAt: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time with a time zone' }).optional(),
  payload: z.record(z.string(), z.unknown(), { error: 'must be an object' }),
});

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
    try {
      const parsed = commandRequest.safeParse(body ?? {});
      if (!parsed.success) throw zodToValidationError(parsed.error, 'body');
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
      this.metrics.commands.inc({ command: name, outcome: result.duplicate ? 'duplicate' : 'accepted' });
      return toResponse(result);
    } catch (error) {
      this.metrics.commands.inc({ command: name, outcome: (error as { code?: string }).code ?? 'error' });
      throw error;
    }
  }
}

