import 'reflect-metadata';
import { type DynamicModule, Global, type INestApplication, Module, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { TokenService } from '@service-ledger/auth';
import type { Clock } from '@service-ledger/core';
import { CLOCK, ApplicationModule } from '@service-ledger/application';
import { EVENT_STORE, type EventStore } from '@service-ledger/event-store';
import { Logger as NestPinoLogger, LoggerModule } from 'nestjs-pino';
import pino, { type DestinationStream } from 'pino';
import { AuthGuard } from './auth.guard';
import { AUDIT_TIME_ZONE, AuditController } from './audit.controller';
import { CasesController } from './cases.controller';
import { CommandsController } from './commands.controller';
import { ErrorFilter } from './error.filter';
import { HealthController } from './health.controller';
import { Metrics, METRICS_TOKEN, MetricsController } from './metrics';
import { dependencyCheck, Health } from '@service-ledger/telemetry';
import { Freshness } from './freshness';
import { AccessLog } from './access-log';
import { type ApiVerifyOptions, AuditVerifyJobs, VERIFY_OPTIONS } from './verify-jobs';
import { hardenHttp } from './http-hardening';
import { requestLog } from './request-log';
import { AnalyticsGate, type AnalyticsGateOptions } from './analytics-gate';
import { setupOpenApi } from './openapi';

export interface AppDeps {
  store: EventStore;
  tokens: TokenService;
  clock?: Clock;
  logLevel?: string;
  /** Feature modules that plug in (analytics queries, dashboards, exports, audit). */
  modules?: DynamicModule[];
  /** Extra providers visible to every module (e.g. the analytics client). */
  providers?: Provider[];
  /** Checkpoint folder, trusted public key and time tolerance for `GET /api/audit/verify` (from the configuration). */
  verify?: ApiVerifyOptions;
  /** SL_TIMEZONE: where the audit's as-of view reads working hours and policy dates (default Asia/Shanghai). */
  timeZone?: string;
  /** This process's metrics (default: a fresh registry). */
  metrics?: Metrics;
  /** This process's health checks (default: the event store alone). */
  health?: Health;
  /** Bearer token for /metrics on the API port; without it the API port does not serve metrics. */
  metricsToken?: string;
  /** How many analytics reads run at once and how many may wait (then 503 + Retry-After); see AnalyticsGate. */
  analyticsReads?: AnalyticsGateOptions;
  /** Where log lines go (default: standard output). */
  logStream?: DestinationStream;
}

/** Builds the Nest application for tests, the embedded start and the distributed API alike. */
export async function createApp(deps: AppDeps): Promise<INestApplication> {
  const metrics = deps.metrics ?? new Metrics('api');
  const level = deps.logLevel ?? 'info';
  const health = deps.health ?? new Health().add(dependencyCheck('eventStore', metrics, async () => (await deps.store.ping(), { kind: deps.store.kind }), 'down'));
  const shared: Provider[] = [
    { provide: EVENT_STORE, useValue: deps.store },
    { provide: TokenService, useValue: deps.tokens },
    ...(deps.clock ? [{ provide: CLOCK, useValue: deps.clock }] : []),
    { provide: Metrics, useValue: metrics },
    { provide: Health, useValue: health },
    { provide: METRICS_TOKEN, useValue: deps.metricsToken ?? null },
    Freshness,
    { provide: AnalyticsGate, useValue: new AnalyticsGate(deps.analyticsReads, metrics) },
    AccessLog,
    { provide: VERIFY_OPTIONS, useValue: deps.verify ?? {} },
    AuditVerifyJobs,
    { provide: AUDIT_TIME_ZONE, useValue: deps.timeZone ?? 'Asia/Shanghai' },
    ...(deps.providers ?? []),
  ];

  @Global()
  @Module({ providers: shared, exports: shared })
  class CoreModule {}

  @Module({
    imports: [
      CoreModule,
      // Nest's logger (nestjs-pino) finds the request's logger as `req.log`, which requestLog sets (useExisting): log
      // lines written inside a request carry its method, path and correlation id.
      LoggerModule.forRoot({ pinoHttp: deps.logStream ? [{ level }, deps.logStream] : { level }, useExisting: true }),
      ApplicationModule.register(),
      ...(deps.modules ?? []),
    ],
    controllers: [CommandsController, CasesController, AuditController, HealthController, MetricsController],
    providers: [
      { provide: APP_GUARD, useClass: AuthGuard },
      { provide: APP_FILTER, useClass: ErrorFilter },
    ],
  })
  class AppModule {}

  // Body parsing is ours (hardenHttp): media types and encodings are checked before any parser reads a byte.
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true, bodyParser: false, logger: deps.logLevel === 'silent' ? false : undefined });
  hardenHttp(app);
  // After the body parser (the correlation id may be the body's command id), before Nest's middleware and routes.
  app.use(requestLog(deps.logStream ? pino({ level }, deps.logStream) : pino({ level })));
  if (deps.logLevel !== 'silent') app.useLogger(app.get(NestPinoLogger));
  setupOpenApi(app);
  return app;
}
