import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { canUnmask, maskPersonalData, type Principal } from '@service-ledger/auth';
import { ForbiddenError, instantInRange, ValidationError } from '@service-ledger/core';
import { type CaseView, GetCase } from '@service-ledger/application';
import type { Response } from 'express';
import { AccessLog } from './access-log';
import { CurrentPrincipal } from './auth.guard';

const STREAM_ID = /^[a-z]+-[A-Za-z0-9_-]{1,64}$/;

/**
 * Reads of one case: its current state (with an ETag of its version, for If-Match on the next command) and its history.
 * A case of another project answers 404 exactly as an unknown one. Personal data is masked, in contact fields and in
 * free text; `?unmask=true` shows it to a token allowed to unmask (auditors; front-desk follow-up staff on their own
 * projects' cases), and every unmasked read is written to the access log.
 */
@ApiTags('cases')
@ApiBearerAuth()
@Controller('api/cases')
export class CasesController {
  constructor(
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(AccessLog) private readonly accessLog: AccessLog,
  ) {}

  @Get(':streamId')
  @ApiQuery({ name: 'asOf', required: false })
  @ApiQuery({ name: 'unmask', required: false, description: "'true' to see personal data (unmask permission; logged)" })
  async get(
    @Param('streamId') streamId: string,
    @Query('asOf') asOf: string | undefined,
    @Query('unmask') unmaskParam: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ) {
    const unmask = unmaskRequested(unmaskParam, principal);
    const { state, events } = await this.load(streamId, principal, asOf);
    const version = events.length ? events[events.length - 1].streamVersion : 0;
    const projectId = events[0]?.projectId;
    if (asOf === undefined) res.setHeader('ETag', `"${version}"`);
    if (unmask) await this.accessLog.record(principal, 'case_read', { view: 'state' }, streamId, true, projectId);
    return { streamId, caseNumber: events[0]?.caseNumber ?? null, version, projectId, state: unmask ? state : maskPersonalData(state) };
  }

  @Get(':streamId/events')
  @ApiQuery({ name: 'unmask', required: false, description: "'true' to see personal data (unmask permission; logged)" })
  async events(@Param('streamId') streamId: string, @Query('unmask') unmaskParam: string | undefined, @CurrentPrincipal() principal: Principal) {
    const unmask = unmaskRequested(unmaskParam, principal);
    const { events } = await this.load(streamId, principal);
    if (unmask) await this.accessLog.record(principal, 'case_read', { view: 'events', events: events.length }, streamId, true, events[0]?.projectId);
    return {
      streamId,
      events: events.map((e) => ({ ...e, globalPosition: e.globalPosition.toString(), data: unmask ? e.data : maskPersonalData(e.data) })),
    };
  }

  private async load(streamId: string, principal: Principal, asOf?: string) {
    if (!STREAM_ID.test(streamId)) throw ValidationError.field('streamId', 'format', 'must look like <category>-<id>, e.g. repair-0190…');
    let at: Date | undefined;
    if (asOf !== undefined) {
      at = new Date(asOf);
      if (Number.isNaN(at.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(asOf) || !instantInRange(asOf)) throw ValidationError.field('asOf', 'invalid_datetime', 'must be an ISO-8601 date-time between 2000 and 2100');
    }
    // Scoped in the query (case-scope.ts): another project's case is the same 404 as an unknown one.
    return this.queries.execute<GetCase, CaseView>(new GetCase(streamId, at, principal.projects));
  }
}

/** `?unmask=true|false`; true needs a token that may unmask. Shared by the case and audit reads. */
export function unmaskRequested(param: string | undefined, principal: Principal): boolean {
  if (param === undefined || param === 'false') return false;
  if (param !== 'true') throw ValidationError.field('unmask', 'boolean', "must be 'true' or 'false'");
  if (!canUnmask(principal)) throw new ForbiddenError('this token may not see personal data (no unmask permission for this role and scope)');
  return true;
}
