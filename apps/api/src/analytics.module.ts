import { type DynamicModule, Module } from '@nestjs/common';
import { ExportsController } from './exports.controller';
import { KpiController } from './kpi.controller';
import { PoliciesController } from './policies.controller';
import { COMPANY_TIME_ZONE } from './analytics.tokens';


/** KPI reads over ClickHouse, exports, policies and what-if; needs the ANALYTICS provider (and the event store). */
@Module({})
export class AnalyticsApiModule {
  static register(options: { timeZone?: string } = {}): DynamicModule {
    return {
      module: AnalyticsApiModule,
      controllers: [KpiController, ExportsController, PoliciesController],
      providers: [{ provide: COMPANY_TIME_ZONE, useValue: options.timeZone ?? 'Asia/Shanghai' }],
    };
  }
}
