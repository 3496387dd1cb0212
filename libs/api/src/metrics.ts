import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { commandCatalogue } from '@service-ledger/application';
import { Metrics, metricsAuthorized } from '@service-ledger/telemetry';
import type { Request, Response } from 'express';
import { Public } from './auth.guard';

export { Metrics };

/** Injection token: the bearer token /metrics on the API port requires (unset: the API port does not serve it). */
export const METRICS_TOKEN = Symbol('METRICS_TOKEN');

const KNOWN_COMMANDS = new Set(commandCatalogue.map((c) => c.name));
/** Error codes the API produces itself; anything else (a driver's code, a PostgreSQL SQLSTATE) is `error`. */
const OUTCOMES: Record<string, string> = {
  validation_failed: 'invalid',
  rule_violated: 'rejected',
  concurrency_conflict: 'conflict',
  not_found: 'not_found',
  forbidden: 'forbidden',
  unauthorized: 'unauthorized',
  dependency_unavailable: 'unavailable',
};

/** Label values stay bounded: a made-up command name is `unknown`, an unexpected error is `error`. */
export function commandLabels(name: string, outcome: { duplicate?: boolean } | { error: unknown }): { command: string; outcome: string } {
  const command = KNOWN_COMMANDS.has(name) ? name : 'unknown';
  if ('error' in outcome) return { command, outcome: OUTCOMES[(outcome.error as { code?: string })?.code ?? ''] ?? 'error' };
  return { command, outcome: outcome.duplicate ? 'duplicate' : 'accepted' };
}

@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(METRICS_TOKEN) private readonly token: string | null,
  ) {}

  /**
   * Prometheus scrape on the API port, only with SL_METRICS_TOKEN set and sent as a bearer token. Without a token the
   * API port answers 404 and metrics are read from the ops listener (SL_OPS_PORT, loopback by default).
   */
  @Public()
  @Get()
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.token) {
      res.status(404).json({ statusCode: 404, error: 'not_found', message: 'metrics are served on the ops listener (SL_OPS_PORT), or here with SL_METRICS_TOKEN' });
      return;
    }
    if (!metricsAuthorized(req.headers.authorization, this.token)) {
      res.status(401).json({ statusCode: 401, error: 'unauthorized', message: 'metrics need the bearer token (SL_METRICS_TOKEN)' });
      return;
    }
    res.set('Content-Type', this.metrics.registry.contentType).send(await this.metrics.text());
  }
}
