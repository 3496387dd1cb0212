import type { Analytics } from '@service-ledger/analytics';
import { AlertEventsModule } from '@service-ledger/api';
import type { Config } from '@service-ledger/config';
import { CommandPipeline } from '@service-ledger/application';
import type { EventStore } from '@service-ledger/event-store';
import { Notifier } from '@service-ledger/notifier';
import type { EmbeddedPart } from './part';

/** The notifier as configured (shared by the embedded part and apps/notifier). */
export function notifierOf(config: Config, db: Analytics, store: EventStore, log: (line: string) => void): Notifier {
  return new Notifier(db, store, new CommandPipeline(store, undefined, config.timeZone), {
    routes: config.alertRoutes,
    lookbackMs: config.alertLookbackHours * 3600_000,
    attempts: config.alertAttempts,
    backoffMs: config.alertBackoffMs,
    log,
  });
}

/** Pre-breach alerts in the embedded process; off until SL_ALERT_ROUTES names somewhere to send them. */
export function notifierPart(analytics: () => Analytics): EmbeddedPart {
  return {
    name: 'notifier',
    async start({ config, store, log }) {
      if (config.alertRoutes.length === 0) {
        log('  Alerts: off (set SL_ALERT_ROUTES to send warnings and breaches to webhooks)');
        return { async stop() {} };
      }
      const notifier = notifierOf(config, analytics(), store, log);
      const running = notifier.start(config.alertPollSeconds * 1000);
      log(`  Alerts: watching the clocks every ${config.alertPollSeconds} s, ${config.alertRoutes.length} route(s)`);
      // Major complaints classified through this process's API are escalated from the EventBus at once.
      return { stop: () => running.stop(), modules: [AlertEventsModule.register(notifier)] };
    },
  };
}
