import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { caseAsOf, parseAnchor, resolveCase, ACCESS_STREAM } from '@service-ledger/audit';
import { maskPersonalData, type Principal } from '@service-ledger/auth';
import { ForbiddenError, NotFoundError, ValidationError, type EventEnvelope } from '@service-ledger/core';
import { EVENT_STORE, type EventStore } from '@service-ledger/event-store';
import { AccessLog } from './access-log';
import { AllowRoles, CurrentPrincipal } from './auth.guard';
import { AuditVerifyJobs } from './verify-jobs';

const view = (e: EventEnvelope, unmask: boolean) => ({
  position: e.globalPosition.toString(),
  streamVersion: e.streamVersion,
  eventId: e.eventId,
  type: e.type,
  schemaVersion: e.schemaVersion,
  occurredAt: e.occurredAt,
  recordedAt: e.recordedAt,
  actor: e.actor,
  projectId: e.projectId,
  correlationId: e.correlationId,
  causationId: e.causationId,
  commandId: e.commandId ?? null,
  caseNumber: e.caseNumber ?? null,
  data: unmask ? e.data : maskPersonalData(e.data),
});

/** Auditors: any case's full history, its state as of an instant, tamper evidence and the access log. Every read is logged. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/audit')
@AllowRoles('auditor')
export class AuditController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(AccessLog) private readonly accessLog: AccessLog,
    @Inject(AuditVerifyJobs) private readonly verifyJobs: AuditVerifyJobs,
  ) {}

  @Get('cases/:id/events')
  @ApiQuery({ name: 'unmask', required: false, description: 'true to see personal data (needs the unmask permission; logged)' })
  async history(@Param('id') id: string, @Query('unmask') unmaskParam: string | undefined, @CurrentPrincipal() principal: Principal) {
    const unmask = this.unmask(unmaskParam, principal);
    const streamId = await resolveCase(this.store, id);
    const events = await this.store.readStream(streamId);
    await this.accessLog.record(principal, 'case_history', { events: events.length }, streamId, unmask);
    return { streamId, caseNumber: events[0]?.caseNumber ?? null, timeline: `/dashboards/timeline?case=${streamId}`, events: events.map((e) => view(e, unmask)) };
  }

  @Get('cases/:id')
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO-8601 instant (default now)' })
  async asOf(@Param('id') id: string, @Query('asOf') asOf: string | undefined, @Query('unmask') unmaskParam: string | undefined, @CurrentPrincipal() principal: Principal) {
    const unmask = this.unmask(unmaskParam, principal);
    if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}T/.test(asOf)) throw ValidationError.field('asOf', 'invalid_datetime', 'must be an ISO-8601 date-time');
    const streamId = await resolveCase(this.store, id);
    const result = await caseAsOf(this.store, streamId, asOf ? new Date(asOf) : new Date());
    await this.accessLog.record(principal, 'case_state', { asOf: result.asOf }, streamId, unmask);
    return { ...result, state: unmask ? result.state : maskPersonalData(result.state), events: result.events.map((e) => view(e, unmask)) };
  }

  @Get('verify')
  @ApiQuery({ name: 'anchor', required: false, description: '<position>:<digest> from an earlier export or verify' })
  verify(@Query('anchor') anchor: string | undefined, @CurrentPrincipal() principal: Principal) {
    const jobs = this.verifyJobs.jobs;
    if (!jobs) throw new ValidationError(`verify needs a SQL event store (this one is ${this.store.kind})`);
    // Starts a background run (or joins the one running for this anchor); its id leads to progress and the report.
    const job = jobs.start(principal, anchor === undefined ? undefined : parseAnchor(anchor));
    return { ...job, href: `/api/audit/verify/${job.id}` };
  }

  @Get('verify/:id')
  verifyRun(@Param('id') id: string) {
    const job = this.verifyJobs.jobs?.get(id);
    if (!job) throw new NotFoundError(`no verify run ${id}`);
    return job;
  }

  @Get('access-log')
  @ApiQuery({ name: 'date', example: '2026-11-24' })
  async accessLogOf(@Query('date') date: string | undefined) {
    if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw ValidationError.field('date', 'format', 'must be YYYY-MM-DD');
    const events = await this.store.readStream(`${ACCESS_STREAM}-${date}`);
    return { date, entries: events.map((e) => ({ at: e.occurredAt, actor: e.actor, ...(e.data as object) })) };
  }

  private unmask(param: string | undefined, principal: Principal): boolean {
    if (param === undefined || param === 'false') return false;
    if (param !== 'true') throw ValidationError.field('unmask', 'boolean', "must be 'true' or 'false'");
    if (!principal.permissions.includes('unmask')) throw new ForbiddenError('this token may not see personal data (no unmask permission)');
    return true;
  }
}
