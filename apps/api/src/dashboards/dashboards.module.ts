import { type DynamicModule, Module } from '@nestjs/common';
import { DashboardsController } from './dashboards.controller';

/** The built-in dashboard page and its data routes; needs the ANALYTICS provider. */
@Module({})
export class DashboardsModule {
  static register(): DynamicModule {
    return { module: DashboardsModule, controllers: [DashboardsController] };
  }
}
