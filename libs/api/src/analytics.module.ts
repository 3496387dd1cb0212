import { type DynamicModule, Module } from '@nestjs/common';
import { ExportsController } from './exports.controller';
import { KpiController } from './kpi.controller';
import { AlertsController } from './worklist/alerts.controller';
import { CaseListController } from './worklist/case-list.controller';
import { VisitorsController } from './worklist/visitors.controller';
import { TimelineController } from './worklist/timeline.controller';
import { WorklistPagesController } from './worklist/pages.controller';
import { WORKLIST_TIME_ZONE } from './worklist/worklist.tokens';

/** Reads over ClickHouse (KPIs, exports, the case list); needs the ANALYTICS provider. */
@Module({})
export class AnalyticsApiModule {
  static register(options: { timeZone?: string } = {}): DynamicModule {
    return {
      module: AnalyticsApiModule,
      controllers: [KpiController, ExportsController, CaseListController, AlertsController, VisitorsController, TimelineController, WorklistPagesController],
      providers: [{ provide: WORKLIST_TIME_ZONE, useValue: options.timeZone ?? 'Asia/Shanghai' }],
    };
  }
}
