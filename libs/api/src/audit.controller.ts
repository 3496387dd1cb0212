import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { caseAsOf, parseAnchor, resolveCase, ACCESS_STREAM } from '@service-ledger/audit';
import { maskPersonalData, type Principal } from '@service-ledger/auth';
import { ForbiddenError, instantInRange, NotFoundError, ValidationError, type EventEnvelope } from '@service-ledger/core';
import { caseNotFound, inProjects } from '@service-ledger/application';
import { EVENT_STORE, type EventStore } from '@service-ledger/event-store';
import { AccessLog } from './access-log';
import { AllowRoles, CurrentPrincipal } from './auth.guard';
import { unmaskRequested } from './cases.controller';
import { AuditVerifyJobs } from './verify-jobs';

/** Zone in which working hours and policy dates are read for the as-of view (SL_TIMEZONE). */
export const AUDIT_TIME_ZONE = Symbol('AUDIT_TIME_ZONE');

function companyWide(principal: Principal): void {
  if (principal.projects !== '*') throw new ForbiddenError('verify walks every project: it needs a company-wide token');
}

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
    @Inject(AUDIT_TIME_ZONE) private readonly timeZone: string,
  ) {}

  @Get('cases/:id/events')
  @ApiQuery({ name: 'unmask', required: false, description: 'true to see personal data (needs the unmask permission; logged)' })
  async history(@Param('id') id: string, @Query('unmask') unmaskParam: string | undefined, @CurrentPrincipal() principal: Principal) {
    const unmask = unmaskRequested(unmaskParam, principal);
    const streamId = await this.resolveInScope(id, principal);
    const events = await this.store.readStream(streamId);
    await this.accessLog.record(principal, 'case_history', { events: events.length }, streamId, unmask, events[0]?.projectId);
    return { streamId, caseNumber: events[0]?.caseNumber ?? null, timeline: `/dashboards/timeline?case=${streamId}`, events: events.map((e) => view(e, unmask)) };
  }

  @Get('cases/:id')
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO-8601 instant (default now)' })
  async asOf(@Param('id') id: string, @Query('asOf') asOf: string | undefined, @Query('unmask') unmaskParam: string | undefined, @CurrentPrincipal() principal: Principal) {
    const unmask = unmaskRequested(unmaskParam, principal);
    if (asOf !== undefined && (!/^\d{4}-\d{2}-\d{2}T/.test(asOf) || !instantInRange(asOf))) throw ValidationError.field('asOf', 'invalid_datetime', 'must be an ISO-8601 date-time between 2000 and 2100');
    const streamId = await this.resolveInScope(id, principal);
    const result = await caseAsOf(this.store, streamId, asOf ? new Date(asOf) : new Date(), { timeZone: this.timeZone });
    await this.accessLog.record(principal, 'case_state', { asOf: result.asOf }, streamId, unmask, result.events[0]?.projectId);
    return { ...result, state: unmask ? result.state : maskPersonalData(result.state), events: result.events.map((e) => view(e, unmask)) };
  }

  @Get('verify')
  @ApiQuery({ name: 'anchor', required: false, description: '<position>:<digest> from an earlier export or verify' })
  verify(@Query('anchor') anchor: string | undefined, @CurrentPrincipal() principal: Principal) {
    // The walk covers every project's events and names broken streams: company-wide auditors only.
    companyWide(principal);
    const jobs = this.verifyJobs.jobs;
    if (!jobs) throw new ValidationError(`verify needs a SQL event store (this one is ${this.store.kind})`);
    // Starts a background run (or joins the one running for this anchor); its id leads to progress and the report.
    const job = jobs.start(principal, anchor === undefined ? undefined : parseAnchor(anchor));
    return { ...job, href: `/api/audit/verify/${job.id}` };
  }

  @Get('verify/:id')
  verifyRun(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    companyWide(principal);
    const job = this.verifyJobs.jobs?.get(id);
    if (!job) throw new NotFoundError(`no verify run ${id}`);
    return job;
  }

  @Get('access-log')
  @ApiQuery({ name: 'date', example: '2026-11-24' })
  async accessLogOf(@Query('date') date: string | undefined, @CurrentPrincipal() principal: Principal) {
    if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw ValidationError.field('date', 'format', 'must be YYYY-MM-DD');
    const events = await this.store.readStream(`${ACCESS_STREAM}-${date}`);
    // Scoped like the cases it names: a project-scoped auditor sees the lines about its projects' cases only.
    const visible = events.filter((e) => inProjects(principal.projects, e.projectId));
    return { date, entries: visible.map((e) => ({ at: e.occurredAt, actor: e.actor, projectId: e.projectId, ...(e.data as object) })) };
  }

  /** A case id or stream id, resolved only among the cases the caller may see; anything else is the same 404. */
  private async resolveInScope(id: string, principal: Principal): Promise<string> {
    let streamId: string;
    try {
      streamId = await resolveCase(this.store, id);
    } catch (error) {
      if (error instanceof NotFoundError) throw caseNotFound(id);
      throw error;
    }
    const projectId = (await this.store.readStream(streamId, { toVersion: 1 }))[0]?.projectId;
    if (!inProjects(principal.projects, projectId)) throw caseNotFound(id);
    return streamId;
  }
}
