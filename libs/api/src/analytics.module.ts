import { type DynamicModule, Module } from '@nestjs/common';
import { ExportsController } from './exports.controller';
import { KpiController } from './kpi.controller';

/** KPI reads over ClickHouse; needs the ANALYTICS provider. */
@Module({})
export class AnalyticsApiModule {
  static register(): DynamicModule {
    return { module: AnalyticsApiModule, controllers: [KpiController, ExportsController] };
  }
}
