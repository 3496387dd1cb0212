import { type DynamicModule, Module } from '@nestjs/common';
import { ExportsController } from './exports.controller';
import { KpiController } from './kpi.controller';
import { PoliciesController } from './policies.controller';
import { AlertsController } from './worklist/alerts.controller';
import { CaseListController } from './worklist/case-list.controller';
import { VisitorsController } from './worklist/visitors.controller';
import { TimelineController } from './worklist/timeline.controller';
import { WorklistPagesController } from './worklist/pages.controller';
import { WORKLIST_TIME_ZONE } from './worklist/worklist.tokens';

import { ReportsController } from './reports.controller';
import { REPORTS_TIME_ZONE } from './reports.tokens';

/** KPI reads, reports, exports, policies and what-if, the worklist, alerts and visitor register; needs the ANALYTICS provider (and the event store). `timeZone`: SL_TIMEZONE. */
@Module({})
export class AnalyticsApiModule {
  static register(options: { timeZone?: string } = {}): DynamicModule {
    return {
      module: AnalyticsApiModule,
      controllers: [KpiController, ExportsController, ReportsController, PoliciesController, CaseListController, AlertsController, VisitorsController, TimelineController, WorklistPagesController],
      providers: [
        { provide: REPORTS_TIME_ZONE, useValue: options.timeZone ?? 'Asia/Shanghai' },
        { provide: WORKLIST_TIME_ZONE, useValue: options.timeZone ?? 'Asia/Shanghai' },
      ],
    };
  }
}
