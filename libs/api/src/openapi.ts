import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { commandCatalogue } from '@service-ledger/domain';
import { z } from 'zod';
import { commandRequest } from './commands.controller';

/** OpenAPI at /api/docs (JSON at /api/docs-json): the Nest routes plus one documented path per catalogue command. */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Service Ledger API')
    .setDescription('Commands append events to the event store; reads return case state and history. Every route needs a bearer token.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const envelope = z.toJSONSchema(commandRequest, { io: 'input' }) as Record<string, unknown>;
  for (const command of commandCatalogue) {
    const payload = z.toJSONSchema(command.schema, { io: 'input', unrepresentable: 'any' });
    document.paths[`/api/commands/${command.name}`] = {
      post: {
        operationId: command.name,
        tags: [command.capability],
        summary: command.summary,
        description: `Roles: ${command.roles.join(', ')}.${command.creates ? ' Starts a new case.' : ''}`,
        security: [{ bearer: [] }],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { ...envelope, properties: { ...(envelope.properties as object), payload } } as never } },
        },
        responses: {
          '200': { description: 'Applied (or a retry of an applied commandId: duplicate=true, nothing appended)' },
          '400': { description: 'Invalid body: issues[] name the field and the rule' },
          '401': { description: 'Missing or invalid token' },
          '403': { description: 'Role or project not allowed' },
          '404': { description: 'Unknown case' },
          '409': { description: 'Illegal in the current state (rule) or concurrent change' },
        },
      },
    };
  }
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
