import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DependencyUnavailableError, DomainRuleViolation, OverloadedError, ServiceLedgerError, UnsupportedMediaTypeError, ValidationError, WrongExpectedVersionError } from '@service-ledger/core';
import type { Request, Response } from 'express';

/** One JSON error shape for every failure; never a stack trace or an SQL message. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request>();
    const { status, body } = this.describe(error, request);
    if (error instanceof DependencyUnavailableError) {
      // Nothing was changed: the client should retry, and /health names the dependency.
      response.setHeader('Retry-After', String(error.retryAfterSeconds));
      this.logger.warn(`${error.message} (${(error.cause as Error | undefined)?.message ?? 'no detail'})`);
    } else if (error instanceof OverloadedError) {
      // Load shedding, not a fault: the caller retries after the queue has drained (no stack in the log).
      response.setHeader('Retry-After', String(error.retryAfterSeconds));
    } else if (status >= 500) this.logger.error(error instanceof Error ? error.stack : String(error));
    // A client that went away mid-body has nobody left to answer. Not `request.destroyed`: Node destroys every request
    // stream once its body has been read (autoDestroy), so that test left every failed POST without an answer.
    if (response.headersSent || response.writableEnded || request.socket?.destroyed) return;
    response.status(status).json(body);
  }

  private describe(error: unknown, request: Request): { status: number; body: Record<string, unknown> } {
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
    if (e?.type === 'encoding.unsupported') return this.describe(UnsupportedMediaTypeError.header('Content-Encoding', 'encoding', 'must be identity, gzip, deflate or br'), request);
    if (e?.type === 'charset.unsupported') return this.describe(UnsupportedMediaTypeError.header('Content-Type', 'charset', 'charset must be utf-8'), request);
    if (e?.type === 'request.aborted') return { status: 400, body: { statusCode: 400, error: 'request_aborted', message: 'the client closed the connection before the body was complete' } };
    // Other body-reading failures are the client's too: gzip that does not inflate, a wrong Content-Length, a URL
    // that does not decode. http-errors marks them with a 4xx status.
    if (!(error instanceof HttpException) && typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      const field = request.headers['content-encoding'] ? 'header.Content-Encoding' : e.type === 'request.size.invalid' ? 'header.Content-Length' : 'body';
      const message = field === 'header.Content-Encoding' ? 'the body does not decode with this Content-Encoding' : 'the request could not be read';
      return { status: 400, body: { statusCode: 400, error: 'invalid_body', message: `${field}: ${message}`, issues: [{ field, rule: 'readable', message }] } };
    }
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
