import { FailureTracker, type Logger } from '@service-ledger/telemetry';

/**
 * Runs `attempt` until it succeeds, waiting 1 s doubling to 30 s between tries, so a process started before its broker
 * or database keeps trying (and says so in /health through `tracker`) instead of exiting. `stopped()` ends the wait.
 */
export async function untilConnected<T>(what: string, attempt: () => Promise<T>, tracker: FailureTracker, log: Logger, stopped: () => boolean = () => false): Promise<T | null> {
  for (let n = 0; !stopped(); n++) {
    try {
      const value = await attempt();
      if (n > 0) log.info(`${what}: connected after ${n} failed attempts`);
      tracker.succeeded();
      return value;
    } catch (error) {
      const { first } = tracker.failed(error);
      if (first || n % 10 === 0) log.warn({ attempt: n + 1 }, `${what}: ${tracker.lastError}; retrying with backoff`);
      const until = Date.now() + Math.min(1000 * 2 ** n, 30_000);
      while (Date.now() < until && !stopped()) await new Promise((r) => setTimeout(r, 200));
    }
  }
  return null;
}
