import { Controller, Get, Inject, Optional, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { maskPersonalData, type Principal } from '@service-ledger/auth';
import { caseAsOf } from '@service-ledger/audit';
import { type Clock, systemClock, ValidationError } from '@service-ledger/core';
import { CLOCK, requireCaseInScope } from '@service-ledger/application';
import { EVENT_STORE, type EventStore } from '@service-ledger/event-store';
import { AccessLog } from '../access-log';
import { CurrentPrincipal } from '../auth.guard';
import { unmaskRequested } from '../cases.controller';
import { WORKLIST_TIME_ZONE } from './worklist.tokens';

const STREAM_ID = /^[a-z]+-[A-Za-z0-9_-]{1,64}$/;

/**
 * One case on a time axis, as of an instant: every event with its actor and role, each SLA clock (start, warning
 * point, deadline, met or breached) and the pauses that moved its deadline. Feeds the timeline page.
 */
@ApiTags('cases')
@ApiBearerAuth()
@Controller('api/cases')
export class TimelineController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(AccessLog) private readonly accessLog: AccessLog,
    @Inject(WORKLIST_TIME_ZONE) private readonly timeZone: string,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  @Get(':streamId/timeline')
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO-8601 instant (default now)' })
  @ApiQuery({ name: 'unmask', required: false, description: "'true' to see personal data (unmask permission; logged)" })
  async timeline(@Param('streamId') streamId: string, @Query('asOf') asOfText: string | undefined, @Query('unmask') unmaskParam: string | undefined, @CurrentPrincipal() principal: Principal) {
    if (!STREAM_ID.test(streamId)) throw ValidationError.field('streamId', 'format', 'must look like <category>-<id>, e.g. repair-0190…');
    const asOf = asOfText === undefined ? this.clock.now() : new Date(asOfText);
    if (Number.isNaN(asOf.getTime()) || (asOfText !== undefined && !/^\d{4}-\d{2}-\d{2}T/.test(asOfText))) throw ValidationError.field('asOf', 'invalid_datetime', 'must be an ISO-8601 date-time');
    // Not yours looks exactly like not there (the one scoping rule of libs/application/case-scope.ts).
    await requireCaseInScope(this.store, streamId, principal.projects);
    const [first] = await this.store.readStream(streamId, { toVersion: 1 });
    // The same as-of view as the audit: clocks under the policy (limits, calendar) in force when each started.
    const { events, clocks } = await caseAsOf(this.store, streamId, asOf, { timeZone: this.timeZone });
    const unmask = unmaskRequested(unmaskParam, principal);
    if (unmask) await this.accessLog.record(principal, 'case_read', { view: 'timeline', asOf: asOf.toISOString(), events: events.length }, streamId, true, first.projectId);
    const pauses: { from: string; to: string | null }[] = [];
    for (const e of events) {
      if (e.type === 'RepairPaused') pauses.push({ from: e.occurredAt, to: null });
      if (e.type === 'RepairResumed' && pauses.length && pauses[pauses.length - 1].to === null) pauses[pauses.length - 1].to = e.occurredAt;
    }
    return {
      streamId,
      caseNumber: first.caseNumber ?? null,
      projectId: first.projectId,
      asOf: asOf.toISOString(),
      events: events.map((e) => ({ streamVersion: e.streamVersion, type: e.type, occurredAt: e.occurredAt, recordedAt: e.recordedAt, actor: e.actor, data: unmask ? e.data : maskPersonalData(e.data) })),
      clocks,
      pauses,
    };
  }
}
