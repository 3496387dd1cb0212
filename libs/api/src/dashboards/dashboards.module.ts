import { type DynamicModule, Module } from '@nestjs/common';
import { DashboardsController } from './dashboards.controller';
import { DASHBOARDS_CACHE_ENTRIES, DASHBOARDS_TIME_ZONE } from './dashboards.tokens';

/**
 * The built-in dashboard page (/dashboards) and its data routes (/api/dashboards…). Needs the ANALYTICS provider.
 * `timeZone` (default Asia/Shanghai) is where months and days of the time filter begin; `cacheEntries` (default 500)
 * bounds the panel answers kept (see PanelResults).
 */
@Module({})
export class DashboardsModule {
  static register(options: { timeZone?: string; cacheEntries?: number } = {}): DynamicModule {
    return {
      module: DashboardsModule,
      controllers: [DashboardsController],
      providers: [
        { provide: DASHBOARDS_TIME_ZONE, useValue: options.timeZone ?? 'Asia/Shanghai' },
        { provide: DASHBOARDS_CACHE_ENTRIES, useValue: options.cacheEntries ?? 500 },
      ],
    };
  }
}
