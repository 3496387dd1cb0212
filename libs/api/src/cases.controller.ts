import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { inScope, maskPersonalData, type Principal } from '@service-ledger/auth';
import { ForbiddenError, ValidationError } from '@service-ledger/core';
import { type CaseView, GetCase } from '@service-ledger/domain';
import { CurrentPrincipal } from './auth.guard';

const STREAM_ID = /^[a-z]+-[A-Za-z0-9_-]{1,64}$/;

/** Reads of one case: its current state and its history. Personal data masked unless the token may unmask. */
@ApiTags('cases')
@ApiBearerAuth()
@Controller('api/cases')
export class CasesController {
  constructor(@Inject(QueryBus) private readonly queries: QueryBus) {}

  @Get(':streamId')
  async get(@Param('streamId') streamId: string, @Query('asOf') asOf: string | undefined, @CurrentPrincipal() principal: Principal) {
    const { state, events } = await this.load(streamId, principal, asOf);
    return { streamId, caseNumber: events[0]?.caseNumber ?? null, version: events.length ? events[events.length - 1].streamVersion : 0, projectId: events[0]?.projectId, state: this.mask(state, principal) };
  }

  @Get(':streamId/events')
  async events(@Param('streamId') streamId: string, @CurrentPrincipal() principal: Principal) {
    const { events } = await this.load(streamId, principal);
    return {
      streamId,
      events: events.map((e) => ({ ...e, globalPosition: e.globalPosition.toString(), data: this.mask(e.data, principal) })),
    };
  }

  private async load(streamId: string, principal: Principal, asOf?: string) {
    if (!STREAM_ID.test(streamId)) throw ValidationError.field('streamId', 'format', 'must look like <category>-<id>, e.g. repair-0190…');
    let at: Date | undefined;
    if (asOf !== undefined) {
      at = new Date(asOf);
      if (Number.isNaN(at.getTime())) throw ValidationError.field('asOf', 'invalid_datetime', 'must be an ISO-8601 date-time');
    }
    const loaded = await this.queries.execute<GetCase, CaseView>(new GetCase(streamId, at));
    if (!inScope(principal, loaded.projectId)) throw new ForbiddenError(`not allowed in project '${loaded.projectId}'`);
    return loaded;
  }

  private mask<T>(data: T, principal: Principal): T {
    return principal.permissions.includes('unmask') ? data : maskPersonalData(data);
  }
}
