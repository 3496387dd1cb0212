/**
 * Response schemas of every route, by `METHOD /path` as the document names it (OpenAPI 3.0 Schema Objects). The
 * controllers return plain objects; these say what a generated client gets back. A route missing here fails the
 * OpenAPI test, so a new route is documented when it is added.
 */
type Schema = Record<string, unknown>;
const str = (description?: string): Schema => ({ type: 'string', ...(description ? { description } : {}) });
const int: Schema = { type: 'integer' };
const num: Schema = { type: 'number' };
const obj = (properties: Record<string, Schema>, required = Object.keys(properties)): Schema => ({ type: 'object', properties, required });
const arr = (items: Schema): Schema => ({ type: 'array', items });
const anyObject: Schema = { type: 'object', additionalProperties: true };
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

export const SHARED_SCHEMAS: Record<string, Schema> = {
  Actor: obj({ staffId: str(), role: str() }),
  EventEnvelope: obj(
    {
      eventId: { type: 'string', format: 'uuid' }, streamId: str(), streamVersion: int, globalPosition: str('Decimal string (64-bit)'), type: str(), schemaVersion: int,
      data: { ...anyObject, description: 'Event payload; personal data masked unless the token may unmask' }, occurredAt: { type: 'string', format: 'date-time' },
      recordedAt: { type: 'string', format: 'date-time' }, actor: ref('Actor'), projectId: str(), correlationId: str(), causationId: { type: 'string', nullable: true },
      commandId: str(),
    },
    ['eventId', 'streamId', 'streamVersion', 'type', 'schemaVersion', 'data', 'occurredAt', 'recordedAt', 'actor', 'projectId', 'correlationId'],
  ),
  CommandResult: obj({
    streamId: str('The case the command changed'), version: { ...int, description: 'Stream version after the command' }, duplicate: { type: 'boolean', description: 'A retry of a commandId already applied: nothing was appended' },
    events: arr(obj({ eventId: { type: 'string', format: 'uuid' }, type: str(), streamVersion: int, occurredAt: { type: 'string', format: 'date-time' }, recordedAt: { type: 'string', format: 'date-time' } })),
  }),
  ProjectionFreshness: {
    ...obj({ position: str('Global position of the last projected event'), lastEventRecordedAt: { type: 'string', nullable: true }, storeHead: { type: 'string', nullable: true }, behind: { type: 'integer', nullable: true } }),
    description: 'How far the projection behind this answer has got: stale figures say so',
  },
  KpiFilters: obj({ month: str(), project: str(), department: str(), staff: str() }, ['month']),
  KpiValue: obj(
    { id: str(), zh: str(), en: str(), group: str(), kind: str(), numerator: num, denominator: num, rate: { type: 'number', nullable: true } },
    ['id', 'zh', 'en', 'group', 'kind', 'numerator', 'denominator', 'rate'],
  ),
};

const kpiAnswer = (extra: Record<string, Schema>, required: string[]) => ({ type: 'object', properties: { filters: ref('KpiFilters'), projection: ref('ProjectionFreshness'), ...extra }, required: ['filters', 'projection', ...required] });

export const RESPONSES: Record<string, Schema> = {
  'get /health': ref('HealthReportDto'),
  'get /api/cases/{streamId}': obj({ streamId: str(), version: int, projectId: str(), state: anyObject }, ['streamId', 'version', 'state']),
  'get /api/cases/{streamId}/events': obj({ streamId: str(), events: arr(ref('EventEnvelope')) }),
  'get /api/audit/cases/{id}/events': obj({ streamId: str(), events: arr(ref('EventEnvelope')) }),
  'get /api/audit/cases/{id}': { type: 'object', properties: { streamId: str(), asOf: { type: 'string', format: 'date-time' }, state: anyObject, events: arr(ref('EventEnvelope')) }, required: ['streamId', 'state', 'events'], additionalProperties: true },
  'get /api/audit/verify': { type: 'object', properties: { ok: { type: 'boolean' }, events: int, head: anyObject, problems: arr(anyObject) }, required: ['ok'], additionalProperties: true },
  'get /api/audit/verify/{id}': { type: 'object', description: 'A verification job: its state and, once done, its report', additionalProperties: true },
  'get /api/audit/access-log': obj({ date: str(), entries: arr({ type: 'object', properties: { at: { type: 'string', format: 'date-time' }, actor: ref('Actor') }, additionalProperties: true }) }),
  'get /api/kpis': kpiAnswer({ kpis: arr(ref('KpiValue')) }, ['kpis']),
  'get /api/kpis/{id}/cases': { ...kpiAnswer({ kpi: str(), numerator: arr(str()), denominator: arr(str()) }, ['kpi']), additionalProperties: true },
  'get /api/staff/scorecard': kpiAnswer({ staff: arr({ type: 'object', properties: { projectId: str(), staffId: str(), name: str(), score: num, rank: int }, additionalProperties: true }) }, ['staff']),
  'post /api/kpis/whatif': { type: 'object', description: 'Every KPI of the month as it is and under the proposed policy (company figures for company-wide tokens only)', additionalProperties: true },
  'get /api/reports/breaches': { type: 'object', properties: { filters: anyObject }, required: ['filters'], additionalProperties: true },
  'get /api/reports/satisfaction': { type: 'object', properties: { filters: anyObject, people: arr(anyObject), visits: arr(anyObject) }, required: ['filters', 'people', 'visits'], description: 'JSON, or CSV of the visits with format=csv' },
  'get /api/reports/complaints': { type: 'object', properties: { filters: anyObject }, required: ['filters'], additionalProperties: true },
  'get /api/policies': { type: 'object', properties: { history: arr(anyObject) }, required: ['history'], additionalProperties: true, description: 'The policy in force for the project at asOf, and its change history' },
  'get /api/dashboards': { type: 'object', properties: { principal: anyObject, timeZone: str(), filters: anyObject, labels: anyObject, dashboards: arr(anyObject) }, required: ['principal', 'timeZone', 'filters', 'dashboards'] },
  'get /api/cases': {
    type: 'object',
    properties: {
      rows: arr({ type: 'object', properties: { streamId: str(), caseId: str(), caseNumber: { type: 'string', nullable: true }, caseType: str(), projectId: str(), status: str(), clockState: str('at_risk, breached, running, paused or none'), clock: { type: 'string', nullable: true }, deadline: { type: 'string', format: 'date-time', nullable: true }, timeLeftSeconds: { type: 'integer', nullable: true }, responsibleId: str(), responsibleName: { type: 'string', nullable: true }, building: str(), department: str(), openedAt: { type: 'string', format: 'date-time' } }, additionalProperties: true }),
      total: int,
      nextCursor: { type: 'string', nullable: true },
      asOf: { type: 'string', format: 'date-time' },
      freshness: obj({ position: str(), lastEventRecordedAt: { type: 'string', format: 'date-time', nullable: true } }),
    },
    required: ['rows', 'total', 'nextCursor', 'asOf', 'freshness'],
  },
  'get /api/cases/{streamId}/timeline': {
    type: 'object',
    properties: { streamId: str(), caseNumber: { type: 'string', nullable: true }, projectId: str(), asOf: { type: 'string', format: 'date-time' }, events: arr(anyObject), clocks: arr(anyObject), pauses: arr(anyObject) },
    required: ['streamId', 'asOf', 'events', 'clocks', 'pauses'],
  },
  'get /api/visitors': obj({ date: str(), timeZone: str(), projects: arr(str()), visitors: arr(anyObject) }),
  'get /api/alerts': obj({ alerts: arr(anyObject) }),
  'post /api/alerts/{alertId}/retry': { type: 'object', properties: { streamId: str(), version: int, duplicate: { type: 'boolean' }, events: arr(anyObject) }, additionalProperties: true },
  'get /api/dashboards/{dashboard}/panels/{panel}/data': obj({ dashboard: str(), panel: str(), filters: anyObject, columns: arr(anyObject), rows: arr(anyObject), projection: ref('ProjectionFreshness') }),
};

/** Routes that answer with a file rather than JSON. */
export const FILE_RESPONSES: Record<string, Record<string, Schema>> = {
  'get /api/exports/kpi': {
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { type: 'string', format: 'binary' },
    'text/csv': { type: 'string', format: 'binary' },
  },
};

/** The error responses every guarded route can give; 413 where a body is accepted. */
export const ERROR_RESPONSES: Record<string, string> = {
  '400': 'Invalid input: `issues[]` name the field and the rule (or malformed_json)',
  '401': 'Missing or invalid bearer token',
  '403': 'Role not allowed on this route',
  '404': 'Unknown case, or one outside the token\'s projects (indistinguishable on purpose)',
  '409': 'Illegal in the current state (`rule`) or concurrent change (`streamId`)',
  '413': 'Request body over 256 kB',
  '503': 'A dependency (event store, analytics) is unavailable, or too many analytics reads are waiting (`overloaded`): nothing changed; retry after `Retry-After` seconds',
};
