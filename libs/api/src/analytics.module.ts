import { type DynamicModule, Module } from '@nestjs/common';
import { ExportsController } from './exports.controller';
import { KpiController } from './kpi.controller';
import { PoliciesController } from './policies.controller';
import { ReportsController } from './reports.controller';
import { REPORTS_TIME_ZONE } from './reports.tokens';

/** KPI reads, reports, exports, policies and what-if; needs the ANALYTICS provider (and the event store). `timeZone`: SL_TIMEZONE. */
@Module({})
export class AnalyticsApiModule {
  static register(options: { timeZone?: string } = {}): DynamicModule {
    return {
      module: AnalyticsApiModule,
      controllers: [KpiController, ExportsController, ReportsController, PoliciesController],
      providers: [{ provide: REPORTS_TIME_ZONE, useValue: options.timeZone ?? 'Asia/Shanghai' }],
    };
  }
}
