import type { NestExpressApplication } from '@nestjs/platform-express';
import { assertSafeInput, UnsupportedMediaTypeError } from '@service-ledger/core';
import type { NextFunction, Request, Response } from 'express';
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
    assertSafeInput(req.query, 'query');
    next();
  } catch (error) {
    next(error);
  }
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
  app.use(mediaTypes);
  app.use(safeQuery);
  app.useBodyParser('json', { limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] });
}
