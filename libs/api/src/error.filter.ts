import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DependencyUnavailableError, DomainRuleViolation, ServiceLedgerError, ValidationError, WrongExpectedVersionError } from '@service-ledger/core';
import type { Response } from 'express';

/** One JSON error shape for every failure; never a stack trace or an SQL message. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.describe(error);
    if (error instanceof DependencyUnavailableError) {
      // Nothing was changed: the client should retry, and /health names the dependency.
      response.setHeader('Retry-After', String(error.retryAfterSeconds));
      this.logger.warn(`${error.message} (${(error.cause as Error | undefined)?.message ?? 'no detail'})`);
    } else if (status >= 500) this.logger.error(error instanceof Error ? error.stack : String(error));
    response.status(status).json(body);
  }

  private describe(error: unknown): { status: number; body: Record<string, unknown> } {
    if (error instanceof ServiceLedgerError) {
      const body: Record<string, unknown> = { statusCode: error.httpStatus, error: error.code, message: error.message };
      if (error instanceof ValidationError) body.issues = error.issues;
      if (error instanceof DomainRuleViolation) body.rule = error.rule;
      if (error instanceof WrongExpectedVersionError) body.streamId = error.streamId;
      if (error instanceof DependencyUnavailableError) body.dependency = error.dependency;
      return { status: error.httpStatus, body };
    }
    // body-parser errors: malformed JSON (400) and oversized bodies (413).
    const e = error as { type?: string; status?: number; message?: string };
    if (e?.type === 'entity.parse.failed') return { status: 400, body: { statusCode: 400, error: 'malformed_json', message: 'request body is not valid JSON' } };
    if (e?.type === 'entity.too.large') return { status: 413, body: { statusCode: 413, error: 'payload_too_large', message: 'request body is too large' } };
    // Nest turns body-parser's JSON syntax errors into a bare BadRequestException.
    if (error instanceof HttpException && error.getStatus() === 400 && (error.cause instanceof SyntaxError || /JSON/.test(error.message))) {
      return { status: 400, body: { statusCode: 400, error: 'malformed_json', message: 'request body is not valid JSON' } };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      return { status, body: { statusCode: status, error: status === 404 ? 'not_found' : 'http_error', message: error.message } };
    }
    return { status: 500, body: { statusCode: 500, error: 'internal_error', message: 'internal error' } };
  }
}
