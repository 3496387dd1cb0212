import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@service-ledger/auth';
import { assertSafeInput, type CommandResult, schemas } from '@service-ledger/core';
import { CommandBus } from '@nestjs/cqrs';
import { CommandPipeline, ExecuteCommand, zodToValidationError } from '@service-ledger/application';
import { z } from 'zod';
import { CurrentPrincipal } from './auth.guard';
import { commandLabels, Metrics } from './metrics';
import { secondsSince } from '@service-ledger/telemetry';
import { ValidationError } from '@service-ledger/core';

/** The envelope of every command request; `payload` is validated by the command's own schema. */
export const commandRequest = z.strictObject({
  commandId: z.uuid({ error: 'must be a UUID chosen by the client (retries reuse it)' }),
  occurredAt: schemas.instant.optional(),
  /** The case version the client last saw (GET /api/cases/<id> returns it, and as ETag): a stream that moved is a 409. */
  expectedVersion: z.number().int().min(0).max(1_000_000_000).optional(),
  payload: z.record(z.string(), z.unknown(), { error: 'must be an object' }),
});

/** `If-Match: "<version>"` (the ETag of GET /api/cases/<id>); `*` adds nothing. Bad values are a 400 naming the header. */
export function versionFromIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"(\d{1,10})"\s*$/.exec(header);
  if (!m) throw ValidationError.field('header.If-Match', 'etag', 'must be the ETag of GET /api/cases/<id>, e.g. "3"');
  return Number(m[1]);
}

function expectedVersionOf(body: z.infer<typeof commandRequest>, ifMatch: string | undefined): number | undefined {
  const fromHeader = versionFromIfMatch(ifMatch);
  if (fromHeader !== undefined && body.expectedVersion !== undefined && fromHeader !== body.expectedVersion) {
    throw ValidationError.field('body.expectedVersion', 'matches_if_match', `is ${body.expectedVersion} but If-Match says ${fromHeader}`);
  }
  return body.expectedVersion ?? fromHeader;
}

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
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Metrics) private readonly metrics: Metrics,
  ) {}

  @Post(':name')
  @HttpCode(200)
  async execute(@Param('name') name: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @Req() req: { headers: Record<string, string | undefined> }) {
    const started = process.hrtime.bigint();
    const m = this.metrics.commands;
    try {
      // Authorisation first: a role that may not send this command learns nothing about its validation.
      this.pipeline.authorise(name, principal.role);
      // Before zod: its record parsing copies objects and would drop a '__proto__' key instead of refusing it.
      let rawPayload: unknown;
      if (body && typeof body === 'object' && !Array.isArray(body)) {
        const { payload, ...envelope } = body as Record<string, unknown>;
        assertSafeInput(envelope, 'body');
        assertSafeInput(payload, 'payload');
        rawPayload = payload;
      }
      const parsed = commandRequest.safeParse(body ?? {});
      if (!parsed.success) throw zodToValidationError(parsed.error, 'body');
      for (const header of ['x-correlation-id', 'x-causation-id'] as const) {
        if (req.headers[header] !== undefined && !CORRELATION_ID.test(req.headers[header]!)) throw ValidationError.field(header, 'format', 'must be 1–128 letters, digits or . _ : -');
      }
      const expectedVersion = expectedVersionOf(parsed.data, req.headers['if-match']);
      const result = await this.commands.execute<ExecuteCommand, CommandResult>(
        new ExecuteCommand(name, rawPayload, {
          commandId: parsed.data.commandId,
          occurredAt: parsed.data.occurredAt,
          actor: { staffId: principal.staffId, role: principal.role },
          projectScope: principal.projects,
          correlationId: req.headers['x-correlation-id'] ?? parsed.data.commandId,
          causationId: req.headers['x-causation-id'] ?? null,
          expectedVersion,
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

