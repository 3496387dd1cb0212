import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { commandCatalogue } from '@service-ledger/application';
import { z } from 'zod';
import { commandRequest } from './commands.controller';
import { ERROR_RESPONSES, FILE_RESPONSES, RESPONSES, SHARED_SCHEMAS } from './openapi-responses';
import { ErrorDto, HealthCheckDto, HealthReportDto } from './openapi-schemas';

type Json = Record<string, unknown>;

/** zod → an OpenAPI 3.0 Schema Object (nullable, boolean exclusiveMinimum, no `$schema`). */
function schemaOf(schema: z.ZodType): Json {
  return stripSchemaKeys(z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Json);
}

/** JSON Schema dialect markers are not allowed inside an OpenAPI 3.0 document. */
function stripSchemaKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map((v) => (v && typeof v === 'object' ? stripSchemaKeys(v as Json) : v)) as unknown as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$schema' || k === '$id') continue;
    out[k] = v && typeof v === 'object' ? stripSchemaKeys(v as Json) : v;
  }
  return out;
}

/** Types of the query parameters the routes validate by hand (the answers are 400 with the same rules). */
const PARAMETER_SCHEMAS: Record<string, Json> = {
  month: { pattern: '^\\d{4}-\\d{2}$', example: '2026-03' },
  from: { pattern: '^\\d{4}-\\d{2}(-\\d{2})?$' },
  to: { pattern: '^\\d{4}-\\d{2}(-\\d{2})?$' },
  date: { pattern: '^\\d{4}-\\d{2}-\\d{2}$', example: '2026-11-24' },
  asOf: { format: 'date-time' },
  unmask: { enum: ['true', 'false'] },
  anchor: { pattern: '^\\d+:[0-9a-f]{64}$' },
  project: { pattern: '^[A-Za-z0-9_-]{1,64}$' },
  department: { maxLength: 64 },
  staff: { pattern: '^[A-Za-z0-9_-]{1,64}$' },
};

const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorDto' } } };

/**
 * The OpenAPI 3.0 document: the Nest routes, one path per catalogue command, a response schema for every route
 * (openapi-responses.ts), the error responses every guarded route can give, and a type for every parameter.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Service Ledger API')
    .setDescription('Commands append events to the event store; reads return case state and history, KPIs and dashboard panels. Every route but /health needs a bearer token.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ErrorDto, HealthReportDto, HealthCheckDto] });
  // The generic route is replaced by one documented path per command.
  delete document.paths['/api/commands/{name}'];
  const envelope = schemaOf(commandRequest);
  for (const command of commandCatalogue) {
    document.paths[`/api/commands/${command.name}`] = {
      post: {
        operationId: command.name,
        tags: [command.capability],
        summary: command.summary,
        description: `Roles: ${command.roles.join(', ')}.${command.creates ? ' Starts a new case.' : ''}`,
        security: [{ bearer: [] }],
        parameters: [
          { name: 'X-Correlation-Id', in: 'header', required: false, schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' }, description: 'Carried by the events (default: the commandId)' },
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { ...envelope, properties: { ...(envelope.properties as object), payload: schemaOf(command.schema) } } as never } },
        },
        responses: { '200': { description: 'Applied (or a retry of an applied commandId: duplicate=true, nothing appended)', content: { 'application/json': { schema: { $ref: '#/components/schemas/CommandResult' } } } } },
      },
    };
  }
  document.components = { ...document.components, schemas: { ...(document.components?.schemas ?? {}), ...(SHARED_SCHEMAS as Record<string, never>) } };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item) as [string, Json][]) {
      if (!op || typeof op !== 'object' || !('responses' in op)) continue;
      const key = `${method} ${path}`;
      const responses = op.responses as Record<string, Json>;
      // Nest documents a GET as a bare 200 without content; the schema comes from the table.
      if (RESPONSES[key]) responses['200'] = { description: (responses['200']?.description as string) || 'OK', content: { 'application/json': { schema: RESPONSES[key] } } };
      if (FILE_RESPONSES[key]) responses['200'] = { description: 'The workbook or CSV sheet', content: Object.fromEntries(Object.entries(FILE_RESPONSES[key]).map(([type, schema]) => [type, { schema }])) };
      if (path !== '/health') {
        for (const [code, description] of Object.entries(ERROR_RESPONSES)) {
          if (code === '413' && !op.requestBody) continue;
          if (code === '409' && method === 'get') continue;
          responses[code] ??= { description, content: errorContent };
        }
        op.security ??= [{ bearer: [] }];
      }
      // Query and path parameters arrive as text: say so where a decorator gave no type.
      for (const p of (op.parameters as Json[] | undefined) ?? []) {
        const given = (p.schema ?? {}) as Json;
        if (!given.type && !given.$ref) p.schema = { type: 'string', ...given, ...(PARAMETER_SCHEMAS[p.name as string] ?? {}) };
        delete p.type;
      }
    }
  }
  return document;
}

/** OpenAPI at /api/docs (JSON at /api/docs-json). */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('api/docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'api/docs-json' });
}
