import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { correlationIdOf } from './commands.controller';

type LoggedRequest = Request & { log?: Logger; body?: { commandId?: unknown } };

/**
 * The request's own fields in the log: method and path only (bodies, headers and query strings may carry personal
 * data and tokens), and the id the request's events carry (X-Correlation-Id, else the command id), so a request's
 * line leads to its events and to the relay's and projector's lines about them.
 */
function requestFields(req: LoggedRequest): { req: { method: string; url: string }; correlationId?: string } {
  const correlationId = correlationIdOf(req.headers['x-correlation-id'], req.body?.commandId);
  const fields = { req: { method: req.method, url: (req.originalUrl ?? req.url).split('?')[0] } };
  return correlationId ? { ...fields, correlationId } : fields;
}

/**
 * A logger with the request's fields, made only when something logs inside the request (Nest's logger finds it
 * as `req.log`, through nestjs-pino's request scope): almost no request logs anything but its line.
 */
function lazyRequestLogger(root: Logger, req: LoggedRequest): Logger {
  let child: Logger | undefined;
  const logger = () => (child ??= root.child(requestFields(req)));
  return new Proxy({} as Logger, {
    get(_, key) {
      const value = (logger() as unknown as Record<string | symbol, unknown>)[key];
      return typeof value === 'function' ? value.bind(child) : value;
    },
  });
}

/**
 * One JSON line per request when its response is done or abandoned — `request completed` (or `aborted`, or
 * `errored` for a 5xx) with the request's fields, the status and the milliseconds since the body was read — the
 * lines pino-http wrote. pino-http cost 6–12 % of the API thread under 200 writing clients: two child loggers a
 * request (each serialising its bindings, one through the standard request serializer, which copies the headers
 * and asks the socket for its peer), the correlation id computed, stringified and searched for twice; this builds
 * the line once, at the end.
 */
export function requestLog(root: Logger) {
  return (req: LoggedRequest, res: Response, next: NextFunction): void => {
    const started = Date.now();
    req.log = lazyRequestLogger(root, req);
    const done = (error?: Error) => {
      res.removeListener('close', done);
      res.removeListener('finish', done);
      res.removeListener('error', done);
      const responseTime = Date.now() - started;
      const fields = requestFields(req);
      if (error || res.statusCode >= 500) {
        const err = error ?? new Error(`failed with status code ${res.statusCode}`);
        root.info({ ...fields, res: { statusCode: res.statusCode }, err, responseTime }, 'request errored');
        return;
      }
      root.info({ ...fields, res: { statusCode: res.statusCode }, responseTime }, !req.readableAborted && res.writableEnded ? 'request completed' : 'request aborted');
    };
    res.on('close', done);
    res.on('finish', done);
    res.on('error', done);
    next();
  };
}
