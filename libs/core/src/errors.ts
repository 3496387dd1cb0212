/**
 * Typed errors shared by every layer; the API maps each to one HTTP status.
 * `field` and `rule` are what a user needs to fix their input.
 */
export abstract class ServiceLedgerError extends Error {
  abstract readonly httpStatus: number;
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input: a field breaks a rule. HTTP 400. */
export class ValidationError extends ServiceLedgerError {
  readonly httpStatus: number = 400;
  readonly code: string = 'validation_failed';
  constructor(
    message: string,
    readonly issues: { field: string; rule: string; message: string }[] = [],
  ) {
    super(message);
  }
  static field(field: string, rule: string, message: string): ValidationError {
    return new ValidationError(`${field}: ${message}`, [{ field, rule, message }]);
  }
}

/** A body in a media type, charset or content encoding the API does not read. HTTP 415, the header named. */
export class UnsupportedMediaTypeError extends ValidationError {
  override readonly httpStatus = 415;
  override readonly code = 'unsupported_media_type';
  static header(header: string, rule: string, message: string): UnsupportedMediaTypeError {
    const field = `header.${header}`;
    return new UnsupportedMediaTypeError(`${field}: ${message}`, [{ field, rule, message }]);
  }
}

/** The command is well-formed but illegal in the aggregate's current state. HTTP 409. */
export class DomainRuleViolation extends ServiceLedgerError {
  readonly httpStatus = 409;
  readonly code = 'rule_violated';
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
  }
}

/** Optimistic concurrency: the stream moved since it was read. HTTP 409. */
export class WrongExpectedVersionError extends ServiceLedgerError {
  readonly httpStatus = 409;
  readonly code = 'concurrency_conflict';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`stream ${streamId}: expected version ${String(expected)}, actual ${actual}`);
  }
}

export class NotFoundError extends ServiceLedgerError {
  readonly httpStatus = 404;
  readonly code = 'not_found';
}

export class ForbiddenError extends ServiceLedgerError {
  readonly httpStatus = 403;
  readonly code = 'forbidden';
}

export class UnauthorizedError extends ServiceLedgerError {
  readonly httpStatus = 401;
  readonly code = 'unauthorized';
}

/**
 * A dependency (the event store, the analytics database) cannot be reached: nothing was changed, retrying later is
 * right. HTTP 503 with Retry-After; /health names the dependency.
 */
export class DependencyUnavailableError extends ServiceLedgerError {
  readonly httpStatus = 503;
  readonly code = 'dependency_unavailable';
  constructor(
    readonly dependency: 'eventStore' | 'analytics',
    readonly retryAfterSeconds = 5,
  ) {
    super(`${dependency === 'eventStore' ? 'the event store' : 'the analytics database'} is unavailable; retry later`);
  }
}

/**
 * Expected version on append: a number (the stream's current last version; 0 = empty),
 * 'no_stream' (must not exist), 'stream_exists', or 'any'.
 */
export type ExpectedVersion = number | 'no_stream' | 'stream_exists' | 'any';

/**
 * The process is busy with as many analytics reads as it will queue: nothing was done, retrying shortly is right.
 * HTTP 503 with Retry-After. Commands never get it: they do not wait behind reads.
 */
export class OverloadedError extends ServiceLedgerError {
  readonly httpStatus = 503;
  readonly code = 'overloaded';
  constructor(
    readonly retryAfterSeconds = 1,
    message = 'too many analytics reads are waiting; retry shortly',
  ) {
    super(message);
  }
}
