import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { Analytics } from '@service-ledger/analytics';
import type { ExportAnchor } from './kpi-export';
import { exportKpisToFiles } from './write';

/** The next 1st-of-the-month at HH:mm local time strictly after `now`. */
export function nextMonthlyRun(now: Date, at: string, zone: string): Date {
  const [h, m] = at.split(':').map(Number);
  const local = DateTime.fromJSDate(now, { zone });
  let candidate = local.startOf('month').set({ hour: h, minute: m });
  if (candidate <= local) candidate = candidate.plus({ months: 1 }).startOf('month').set({ hour: h, minute: m });
  return candidate.toJSDate();
}

/** The month before the one containing `now`, as YYYY-MM. */
export function previousMonth(now: Date, zone: string): string {
  return DateTime.fromJSDate(now, { zone }).minus({ months: 1 }).toFormat('yyyy-MM');
}

/**
 * On the 1st of each month at the configured time, writes last month's KPI workbook into the export folder
 * (kpi-YYYY-MM.xlsx). Re-running for a month overwrites its file atomically.
 */
export class MonthlyExportScheduler {
  private timer: NodeJS.Timeout | null = null;
  lastRun: { month: string; files: string[] } | null = null;
  /** The last run's failure (null after a success): the scheduler's /health shows it. */
  lastError: { month: string; message: string; at: string } | null = null;

  constructor(
    private readonly db: Analytics,
    private readonly options: { dir: string; at: string; timeZone: string; log?: (line: string) => void; anchor?: () => Promise<ExportAnchor | null>; observe?: (outcome: 'written' | 'failed', seconds: number) => void },
  ) {}

  async runFor(month: string): Promise<string[]> {
    const started = Date.now();
    let files: string[];
    try {
      const anchor = (await this.options.anchor?.()) ?? undefined;
      files = await exportKpisToFiles(this.db, { month, timeZone: this.options.timeZone, anchor }, 'xlsx', join(this.options.dir, `kpi-${month}.xlsx`));
    } catch (error) {
      this.lastError = { month, message: (error as Error).message, at: new Date().toISOString() };
      this.options.observe?.('failed', (Date.now() - started) / 1000);
      throw error;
    }
    this.options.observe?.('written', (Date.now() - started) / 1000);
    this.lastError = null;
    this.lastRun = { month, files };
    this.options.log?.(`monthly export written: ${files.join(', ')}`);
    return files;
  }

  start(now: () => Date = () => new Date()): void {
    const schedule = () => {
      const next = nextMonthlyRun(now(), this.options.at, this.options.timeZone);
      // setTimeout caps at ~24.8 days: wake up at most daily and re-check.
      const delay = Math.min(next.getTime() - now().getTime(), 24 * 3600_000);
      this.timer = setTimeout(async () => {
        if (now().getTime() >= next.getTime()) {
          await this.runFor(previousMonth(now(), this.options.timeZone)).catch((e) => this.options.log?.(`monthly export failed: ${(e as Error).message}`));
        }
        schedule();
      }, delay);
      this.timer.unref();
    };
    schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
