import { Controller, Get, Header, Inject, Injectable } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { Public } from './auth.guard';

/** Prometheus metrics: one registry per app instance (tests create several). */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  readonly commands = new Counter({ name: 'sl_commands_total', help: 'Commands by name and outcome', labelNames: ['command', 'outcome'], registers: [this.registry] });
  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}

@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(Metrics) private readonly metrics: Metrics) {}
  @Public()
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
