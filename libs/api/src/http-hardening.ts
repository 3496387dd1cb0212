import type { NestExpressApplication } from '@nestjs/platform-express';
import { assertSafeInput, UnsupportedMediaTypeError } from '@service-ledger/core';
import { json, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';

/** Largest JSON body a command may send (a work order with 100 materials is far below it). */
export const BODY_LIMIT = '256kb';

const hasBody = (req: Request) => req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

/** Only JSON bodies in UTF-8, identity/gzip/deflate encoded; anything else is named before any parser runs. */
function mediaTypes(req: Request, _res: Response, next: NextFunction): void {
  if (!hasBody(req)) return next();
  const type = req.headers['content-type'] ?? '';
  const [media, ...params] = type.split(';').map((p) => p.trim().toLowerCase());
  if (media !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(media)) {
    return next(UnsupportedMediaTypeError.header('Content-Type', 'media_type', `must be application/json (got '${type.slice(0, 80)}')`));
  }
  const charset = params.find((p) => p.startsWith('charset='))?.slice(8).replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return next(UnsupportedMediaTypeError.header('Content-Type', 'charset', `charset must be utf-8 (got '${charset.slice(0, 40)}')`));
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  if (!['identity', 'gzip', 'deflate', 'br'].includes(encoding)) {
    return next(UnsupportedMediaTypeError.header('Content-Encoding', 'encoding', `must be identity, gzip, deflate or br (got '${encoding.slice(0, 40)}')`));
  }
  next();
}

/** NUL, lone surrogates and prototype keys in a query string are refused like in a body. */
function safeQuery(req: Request, _res: Response, next: NextFunction): void {
  // Express parses req.query anew at every read; a URL without a query string has nothing to check.
  if (!req.url.includes('?')) return next();
  try {
    const query = req.query;
    assertSafeInput(query, 'query');
    // The object checked is the one the route reads (Nest's @Query() reads req.query again): parsed once, not twice.
    Object.defineProperty(req, 'query', { value: query, writable: true, configurable: true, enumerable: true });
    next();
  } catch (error) {
    next(error);
  }
}

const BODY_LIMIT_BYTES = 256 * 1024;
/** What body-parser's errors carry (http-errors): ErrorFilter reads `type`, Express and Nest the status. */
const bodyError = (status: number, type: string, message: string) => Object.assign(new Error(message), { status, statusCode: status, expose: true, type });

/**
 * The common command request read without body-parser: `Content-Type: application/json` with no charset or utf-8, no
 * Content-Encoding, a Content-Length within BODY_LIMIT. body-parser took about 6 % of the API thread under 200 writing
 * clients (the media type and charset parsed again, an iconv decoder made per request, raw-body's stream bookkeeping)
 * to do, for this case, what is here: gather the bytes, decode UTF-8 (a leading BOM dropped, as iconv does), accept only
 * an object or array (body-parser's strict mode), JSON.parse. Every other request — chunked, compressed, another
 * charset, an `…+json` type, an empty or oversized body — goes on to body-parser as before, and the failures here
 * carry body-parser's error types, so ErrorFilter answers both alike (400 malformed_json, 400 request_aborted…).
 */
function plainJsonBody(req: Request & { body?: unknown }, _res: Response, next: NextFunction): void {
  const h = req.headers;
  const declared = h['content-length'];
  if (h['transfer-encoding'] !== undefined || declared === undefined || !/^[1-9]\d{0,6}$/.test(declared) || Number(declared) > BODY_LIMIT_BYTES) return next();
  if (h['content-encoding'] !== undefined && h['content-encoding'].trim().toLowerCase() !== 'identity') return next();
  const type = h['content-type'];
  if (type !== 'application/json' && !/^application\/json;\s*charset="?utf-8"?$/i.test(type ?? '')) return next();
  const length = Number(declared);
  const chunks: Buffer[] = [];
  let received = 0;
  let settled = false;
  const finish = (error?: Error) => {
    if (settled) return;
    settled = true;
    req.removeListener('data', onData);
    req.removeListener('end', onEnd);
    req.removeListener('aborted', onAborted);
    req.removeListener('error', finish);
    if (error) return next(error);
    next();
  };
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    chunks.push(chunk);
  };
  const onAborted = () => finish(bodyError(400, 'request.aborted', 'request aborted'));
  const onEnd = () => {
    if (received !== length) return finish(bodyError(400, 'request.size.invalid', 'request size did not match content length'));
    let text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received)).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const first = /\S/.exec(text)?.[0];
    if (first !== '{' && first !== '[') return finish(bodyError(400, 'entity.parse.failed', 'request body must be a JSON object or array'));
    try {
      req.body = JSON.parse(text);
    } catch (error) {
      return finish(bodyError(400, 'entity.parse.failed', (error as Error).message));
    }
    finish();
  };
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('aborted', onAborted);
  req.on('error', finish);
}

/**
 * Security headers (helmet) and the order of body handling. The CSP allows only this origin's scripts: the dashboard
 * page loads ECharts and app.js from /dashboards/assets, never inline. Inline *styles* stay allowed because ECharts
 * writes its tooltips with style attributes. No upgrade-insecure-requests: the embedded server speaks plain HTTP on
 * 127.0.0.1 and a TLS proxy in front adds HSTS itself.
 */
export function hardenHttp(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: { 'script-src': ["'self'"], 'style-src': ["'self'", "'unsafe-inline'"], 'upgrade-insecure-requests': null, 'frame-ancestors': ["'none'"] },
      },
      frameguard: { action: 'deny' },
    }),
  );
  app.use(requestBody(json({ limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] })));
}

/**
 * The body's checks and parsers in their order — media type, query string, the plain JSON reader, then body-parser,
 * which skips a request plainJsonBody has read (its stream is finished) — as one middleware. A request that declares
 * no body (neither Transfer-Encoding nor Content-Length: every GET) has only its query string to check: each of the
 * others passes it on untouched (mediaTypes and plainJsonBody look at those two headers, body-parser's hasBody too),
 * and four Express layers cost the panel route more than that check (router bookkeeping per layer).
 */
function requestBody(bodyParser: (req: Request, res: Response, next: NextFunction) => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.headers['transfer-encoding'] === undefined && req.headers['content-length'] === undefined) return safeQuery(req, res, next);
    const then = (step: (req: Request, res: Response, next: NextFunction) => void, after: NextFunction) => (error?: unknown) => (error ? next(error) : step(req, res, after));
    mediaTypes(req, res, then(safeQuery, then(plainJsonBody, then(bodyParser, next))));
  };
}
