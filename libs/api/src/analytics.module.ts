import { type DynamicModule, Module } from '@nestjs/common';
import { ExportsController } from './exports.controller';
import { KpiController } from './kpi.controller';
import { ReportsController } from './reports.controller';
import { REPORTS_TIME_ZONE } from './reports.tokens';

/** KPI reads, reports and exports over ClickHouse; needs the ANALYTICS provider. `timeZone`: SL_TIMEZONE. */
@Module({})
export class AnalyticsApiModule {
  static register(options: { timeZone?: string } = {}): DynamicModule {
    return {
      module: AnalyticsApiModule,
      controllers: [KpiController, ExportsController, ReportsController],
      providers: [{ provide: REPORTS_TIME_ZONE, useValue: options.timeZone ?? 'Asia/Shanghai' }],
    };
  }
}
