import { ConfigError } from '@service-ledger/config';

/** Exit with a clear message for bad configuration (78) or bad input (1), never a stack trace. */
export function fail(error: unknown): never {
  console.error(error instanceof ConfigError ? error.message : `error: ${(error as Error).message}`);
  process.exit(error instanceof ConfigError ? 78 : 1);
}

export function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new Error(`${flag} must be a whole number from 1 to 100000, got '${value}'`);
  return n;
}
