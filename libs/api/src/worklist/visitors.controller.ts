import { Controller, Get, Inject, Optional, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ANALYTICS, type Analytics, registerDay, visitorRegister } from '@service-ledger/analytics';
import { maskPersonalData, type Principal } from '@service-ledger/auth';
import { type Clock, systemClock, ValidationError } from '@service-ledger/core';
import { scopeProjects } from '@service-ledger/dashboards';
import { CLOCK } from '@service-ledger/application';
import { EVENT_STORE, type EventStore } from '@service-ledger/event-store';
import { VISITOR_STREAM } from '@service-ledger/visitor-log';
import { AccessLog } from '../access-log';
import { AllowRoles, CurrentPrincipal } from '../auth.guard';
import { unmaskRequested } from '../cases.controller';
import { WORKLIST_TIME_ZONE } from './worklist.tokens';

/**
 * 访客登记 register of one day: who (masked; `?unmask=true` for a token that may unmask, written to the access log),
 * whom they visited, in, out, why. The register's rows come from the analytics table; the visitor's name is read from
 * the event store and masked here.
 */
@ApiTags('visitors')
@ApiBearerAuth()
@Controller('api/visitors')
export class VisitorsController {
  constructor(
    @Inject(ANALYTICS) private readonly db: Analytics,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(WORKLIST_TIME_ZONE) private readonly timeZone: string,
    @Inject(AccessLog) private readonly accessLog: AccessLog,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  @Get()
  @AllowRoles('receptionist', 'supervisor', 'project_manager', 'gm_office', 'auditor')
  @ApiQuery({ name: 'project', required: false, example: 'P01' })
  @ApiQuery({ name: 'date', required: false, example: '2026-11-20', description: 'a day in the project time zone (default today)' })
  @ApiQuery({ name: 'unmask', required: false, description: "'true' to see visitors' names and phones (unmask permission; logged)" })
  async register(@Query() query: Record<string, unknown>, @CurrentPrincipal() principal: Principal) {
    for (const [key, value] of Object.entries(query)) {
      if (key !== 'project' && key !== 'date' && key !== 'unmask') throw ValidationError.field(key, 'unknown_parameter', 'is not a visitor register parameter (use project, date, unmask)');
      if (typeof value !== 'string') throw ValidationError.field(key, 'single_value', 'give one value');
    }
    const project = (query.project as string | undefined) ?? '';
    if (project && !/^[A-Za-z0-9_-]{1,64}$/.test(project)) throw ValidationError.field('project', 'format', 'must be 1–64 letters, digits, - or _');
    const day = registerDay(query.date as string | undefined, this.timeZone, this.clock.now());
    const projects = scopeProjects(principal, project);
    const rows = await visitorRegister(this.db, projects, day.from, day.to);
    const unmask = unmaskRequested(query.unmask as string | undefined, principal);
    const withNames = await Promise.all(
      rows.map(async (r) => {
        const [checkIn] = await this.store.readStream(`${VISITOR_STREAM}-${r.visitorId}`, { toVersion: 1 });
        const visitor = (checkIn?.data as { visitor?: { name: string; phone: string } } | undefined)?.visitor;
        const shown = visitor ? (unmask ? visitor : maskPersonalData({ visitor }).visitor) : null;
        return { ...r, visitor: shown ? { name: shown.name, phone: shown.phone } : null };
      }),
    );
    if (unmask) await this.accessLog.record(principal, 'case_read', { view: 'visitor_register', date: day.date, visitors: rows.length }, `visitors-${day.date}`, true, project || '*');
    return { date: day.date, timeZone: this.timeZone, projects, visitors: withNames };
  }
}
