/**
 * Upcasters turn an old schema version of an event into the next one on read, so the domain and the
 * projections only ever see current shapes while the stored history stays untouched (events are immutable).
 */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/** One step of one event type, as a capability declares it beside its events. */
export interface UpcastStep {
  type: string;
  fromVersion: number;
  step: Upcaster;
}

export class Upcasters {
  private readonly steps = new Map<string, Upcaster>();
  private readonly latest = new Map<string, number>();

  /** Register the step from `fromVersion` to `fromVersion + 1` for `type`. */
  register(type: string, fromVersion: number, step: Upcaster): this {
    this.steps.set(`${type}@${fromVersion}`, step);
    this.latest.set(type, Math.max(this.latest.get(type) ?? 1, fromVersion + 1));
    return this;
  }

  registerAll(steps: readonly UpcastStep[]): this {
    for (const s of steps) this.register(s.type, s.fromVersion, s.step);
    return this;
  }

  /** The schema version events of this type are written and read in (1 until a step raises it). */
  currentVersion(type: string): number {
    return this.latest.get(type) ?? 1;
  }

  /** Whether events of this type and schema version change on read. */
  changes(type: string, schemaVersion: number): boolean {
    return this.steps.has(`${type}@${schemaVersion}`);
  }

  upcast(type: string, schemaVersion: number, data: Record<string, unknown>): { schemaVersion: number; data: Record<string, unknown> } {
    let version = schemaVersion;
    let current = data;
    for (let step = this.steps.get(`${type}@${version}`); step; step = this.steps.get(`${type}@${version}`)) {
      current = step(current);
      version += 1;
    }
    return { schemaVersion: version, data: current };
  }
}

export const noUpcasters = new Upcasters();
