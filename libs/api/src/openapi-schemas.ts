import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Response shapes for the OpenAPI document (the controllers return plain objects of these shapes). */

export class HealthCheckDto {
  @ApiProperty({ enum: ['up', 'degraded', 'down'] }) status!: string;
  @ApiPropertyOptional() message?: string;
}

export class HealthReportDto {
  @ApiProperty({ enum: ['ok', 'degraded', 'down'] }) status!: string;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/HealthCheckDto' }, description: 'One entry per dependency or duty: eventStore, analytics, projection, projector…' })
  checks!: Record<string, HealthCheckDto>;
}

export class ErrorIssueDto {
  @ApiProperty({ example: 'payload.unitId' }) field!: string;
  @ApiProperty({ example: 'required' }) rule!: string;
  @ApiProperty() message!: string;
}

/** Every error response: 400, 401, 403, 404, 409, 413, 503. */
export class ErrorDto {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'validation_failed', description: 'validation_failed, malformed_json, unauthorized, forbidden, not_found, rule_violated, concurrency_conflict, payload_too_large, dependency_unavailable, overloaded, internal_error' })
  error!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ type: [ErrorIssueDto], description: 'validation_failed: the fields and rules broken' }) issues?: ErrorIssueDto[];
  @ApiPropertyOptional({ example: 'repair.work_requires_accepted_quote', description: 'rule_violated: the stable rule code' }) rule?: string;
  @ApiPropertyOptional({ description: 'concurrency_conflict: the stream that moved' }) streamId?: string;
}

/** How far the projection behind a KPI or panel answer has got. */
export class ProjectionFreshnessDto {
  @ApiProperty({ example: '12345', description: 'Global position of the last projected event' }) position!: string;
  @ApiProperty({ nullable: true, type: String, description: 'When the last projected event was recorded (ISO-8601)' }) lastEventRecordedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Highest position in the event store (null where the store cannot say)' }) storeHead!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Positions stored but not yet projected' }) behind!: number | null;
}
