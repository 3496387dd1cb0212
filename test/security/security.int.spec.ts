import jwt from 'jsonwebtoken';
import request from 'supertest';
import { TokenService } from '@service-ledger/auth';
import { newId, type Role } from '@service-ledger/core';
import { commandCatalogue, findCommand } from '@service-ledger/application';
import { KPIS } from '@service-ledger/analytics';
import { DASHBOARDS } from '@service-ledger/dashboards';
import type { PlannedCommand } from '@service-ledger/seed';
import { z } from 'zod';
import { TEST_SECRET } from '../support/api';
import { type BadInput, envelopeCorpus, payloadCorpus, samplePayloads } from './corpus';
import { securityFixture, type SecurityFixture } from './fixture';

/**
 * The security suite (issue 14): one app over a seeded two-project store, requests in-process.
 * 1. every route in the OpenAPI document × every kind of token;
 * 2. every command that names another case, pointed at another project's case;
 * 3. a corpus of malformed requests over every command.
 * Every case: the expected 4xx naming the field, never a 5xx, and the store unchanged (event count and stream heads).
 */
describe('security', () => {
  let f: SecurityFixture;
  let http: ReturnType<typeof request>;
  let samples: Map<string, PlannedCommand>;
  /** Case ids by project: the first stream of each category, from the seeded history. */
  const casesOf = (project: string) => f.history.filter((c) => c.actor.role !== 'system' && findCommand(c.name)?.creates && (c.payload as { projectId?: string }).projectId === project).map((c) => findCommand(c.name)!.streamId(c.payload));

  beforeAll(async () => {
    f = await securityFixture();
    http = request(f.app.getHttpServer());
    samples = samplePayloads(f.history);
  }, 300_000);
  afterAll(() => f?.close());

  const noLeak = (res: request.Response) => {
    expect(res.status).toBeLessThan(500);
    expect(JSON.stringify(res.body ?? '')).not.toMatch(/\bat .*\.[jt]s:\d+|stack|SELECT |sl_events/);
  };

  describe('commands that name another case', () => {
    type Probe = { command: ReturnType<typeof findCommand> & object; sample: PlannedCommand; field: string; keyField: string | undefined; category: string };
    /** For every catalogue command, every UUID field that makes it name another stream (found by probing `related`). */
    const probes = (): Probe[] => {
      const out: Probe[] = [];
      for (const command of commandCatalogue) {
        const sample = samples.get(command.name);
        if (!command.related || !sample) continue;
        const schema = z.toJSONSchema(command.schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, { format?: string }> };
        const own = command.streamId(sample.payload);
        const keyField = Object.keys(sample.payload).find((k) => typeof sample.payload[k] === 'string' && own.endsWith(`-${sample.payload[k]}`));
        for (const [field, fs] of Object.entries(schema.properties ?? {})) {
          if (fs.format !== 'uuid' || field === keyField) continue;
          const probe = newId();
          const named = command.related({ ...sample.payload, [field]: probe }).find((s) => s.endsWith(`-${probe}`));
          if (named) out.push({ command, sample, field, keyField, category: named.slice(0, named.length - probe.length - 1) });
        }
      }
      return out;
    };

    it('the catalogue has them, and every command declaring related cases has a sample', () => {
      expect(probes().length).toBeGreaterThan(0);
      for (const c of commandCatalogue.filter((c) => c.related)) expect(samples.has(c.name)).toBe(true);
    });

    it("another project's case answers exactly like a case that does not exist, for single- and multi-project callers; nothing changes", async () => {
      for (const { command, sample, field, keyField, category } of probes()) {
        // Business time at the end of the seeded history; optional instants of the sample (appointments) are dropped.
        const payloadFor = (project: string, ref: string) => {
          const payload: Record<string, unknown> = { ...sample.payload, [field]: ref, ...(command.creates && keyField ? { [keyField]: newId() } : {}) };
          if ('projectId' in payload) payload.projectId = project;
          for (const [k, v] of Object.entries(payload)) if (k !== field && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) delete payload[k];
          return payload;
        };
        const send = (project: string, ref: string, projects: string[]) =>
          http
            .post(`/api/commands/${command.name}`)
            .set('Authorization', `Bearer ${f.tokens.issue({ staffId: sample.actor.staffId, role: sample.actor.role, projects, permissions: [] }, '1h')}`)
            .send({ commandId: newId(), payload: payloadFor(project, ref) });
        const idsOf = (project: string) => casesOf(project).filter((s) => s.startsWith(`${category}-`)).map((s) => s.slice(category.length + 1));
        // A P02 case this command accepts from P02 itself: the foreign reference is a valid one, only not P01's.
        let foreign: string | undefined;
        for (const id of idsOf('P02').slice(0, 40)) {
          if ((await send('P02', id, ['P02'])).status === 200) {
            foreign = id;
            break;
          }
        }
        if (!foreign) throw new Error(`${command.name}.${field}: no P02 ${category} case it accepts`);
        const foreignBefore = (await f.store.readStream(`${category}-${foreign}`)).length;
        for (const projects of [['P01'], ['P01', 'P02']]) {
          const before = await f.head();
          const other = await send('P01', foreign, projects);
          const unknownId = newId();
          const unknown = await send('P01', unknownId, projects);
          expect(other.status).toBeGreaterThanOrEqual(400);
          expect(other.status).toBe(unknown.status);
          expect(JSON.stringify(other.body).replaceAll(foreign, '<id>')).toBe(JSON.stringify(unknown.body).replaceAll(unknownId, '<id>'));
          expect(await f.head()).toBe(before);
        }
        expect((await f.store.readStream(`${category}-${foreign}`)).length).toBe(foreignBefore);
      }
    });
  });

  describe('bad-input corpus over every command', () => {
    let corpus: BadInput[];
    beforeAll(() => {
      corpus = [...payloadCorpus(samples), ...envelopeCorpus(samples.get('ReceiveComplaint')!)];
    });

    it('has at least 300 cases and touches every command', () => {
      expect(corpus.length).toBeGreaterThanOrEqual(300);
      for (const c of commandCatalogue) expect(corpus.some((b) => b.command === c.name)).toBe(true);
    });

    it('every case: the expected 4xx naming the field or header, no 5xx, no stack, the store unchanged', async () => {
      const admin = f.token('admin', '*');
      const failures: string[] = [];
      const before = await f.head();
      for (const bad of corpus) {
        let req = http.post(`/api/commands/${bad.command}`).set('Authorization', `Bearer ${admin}`);
        for (const [k, v] of Object.entries(bad.headers ?? {})) req = req.set(k, v);
        // Serialised here: JSON.stringify keeps own '__proto__' keys, which a client library's object handling may not.
        if (bad.raw === undefined) req = req.set('Content-Type', 'application/json');
        const res = await req.send(bad.raw !== undefined ? bad.raw : JSON.stringify(bad.body));
        const text = JSON.stringify(res.body);
        const named = typeof bad.names === 'string' ? text.includes(bad.names) : bad.names.test(text);
        if ((res.status !== bad.status && res.status !== bad.orStatus) || !named || /\bat .*\.[jt]s:\d+|stack/.test(text)) {
          failures.push(`${bad.command} / ${bad.name}: ${res.status} ${text.slice(0, 240)}`);
        }
      }
      expect(failures).toEqual([]);
      expect(await f.head()).toBe(before);
    });
  });
  // Last: its positive row starts a background verify run whose access-log line lands later.
  describe('route × token matrix from the OpenAPI document', () => {
    type Op = { method: string; path: string; url: string; p01Target: boolean; roles: Role[] };
    let ops: Op[];
    const wrongSecret = new TokenService('another-secret-another-secret-0123456789abc');
    const sign = (claims: object, options: jwt.SignOptions) => jwt.sign({ role: 'gm_office', projects: '*', perms: [], ...claims }, TEST_SECRET, { subject: 'x', issuer: 'service-ledger', algorithm: 'HS256', ...options });
    const badTokens: [string, () => string | undefined][] = [
      ['no token', () => undefined],
      ['garbage', () => 'Bearer not-a-token'],
      ['wrong secret', () => `Bearer ${wrongSecret.issue({ staffId: 'x', role: 'admin', projects: '*', permissions: [] }, '1h')}`],
      ['expired', () => `Bearer ${sign({ role: 'admin', exp: Math.floor(Date.now() / 1000) - 60 }, {})}`],
      ['no expiry', () => `Bearer ${sign({ role: 'admin' }, {})}`],
      ['alg none', () => `Bearer ${jwt.sign({ role: 'admin', projects: '*', perms: [], exp: Math.floor(Date.now() / 1000) + 600 }, '', { algorithm: 'none', subject: 'x', issuer: 'service-ledger' })}`],
      ['Basic scheme', () => 'Basic YWRtaW46YWRtaW4='],
    ];

    beforeAll(async () => {
      const doc = (await http.get('/api/docs-json')).body as { paths: Record<string, Record<string, { security?: unknown[]; parameters?: { name: string; in: string; required?: boolean; example?: unknown; schema?: { example?: unknown } }[] }>> };
      const p01Case = casesOf('P01')[0];
      ops = [];
      for (const [path, methods] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(methods)) {
          // The generic command route is documented once per catalogue command below it.
          if (!op.security?.length || path === '/api/commands/{name}') continue;
          const access = f.routes.find((r) => r.path === path && r.method === method.toUpperCase());
          if (!access) throw new Error(`${method} ${path} is in the OpenAPI document but not among the app's routes`);
          let p01Target = false;
          let url = path.replace(/\{(\w+)\}/g, (_m, name: string) => {
            if (path.startsWith('/api/kpis')) return KPIS[0].id;
            if (name === 'dashboard') return DASHBOARDS[0].id;
            if (name === 'panel') return DASHBOARDS[0].panels[0].id;
            p01Target = true;
            return p01Case;
          });
          const query = new URLSearchParams();
          for (const p of op.parameters ?? []) {
            if (p.in !== 'query') continue;
            if (p.name === 'project') {
              query.set('project', 'P01');
              p01Target = true;
            } else if (p.required !== false || p.name === 'month' || p.name === 'date') query.set(p.name, String(p.example ?? p.schema?.example ?? (p.name === 'date' ? '2026-11-10' : '2026-11')));
          }
          if ([...query.keys()].length) url += `?${query}`;
          ops.push({ method, path, url, p01Target, roles: access.roles });
        }
      }
    });

    const call = (op: Op, authorization?: string) => {
      const req = (http as unknown as Record<string, (url: string) => request.Test>)[op.method](op.url);
      if (authorization !== undefined) req.set('Authorization', authorization);
      return op.method === 'post' ? req.send({}) : req;
    };

    it('covers every protected route of the document (commands included)', () => {
      expect(ops.length).toBeGreaterThanOrEqual(commandCatalogue.length + 10);
      for (const c of commandCatalogue) expect(ops.map((o) => o.path)).toContain(`/api/commands/${c.name}`);
    });

    it('no, broken, forged, expired or unexpiring tokens: 401 on every route, store unchanged', async () => {
      const before = await f.head();
      for (const op of ops) {
        for (const [kind, token] of badTokens) {
          const res = await call(op, token());
          noLeak(res);
          if (res.status !== 401) throw new Error(`${kind} on ${op.method} ${op.url}: ${res.status}`);
        }
      }
      expect(await f.head()).toBe(before);
    });

    it('a role the route does not allow: 403 on every route, for every such role', async () => {
      const before = await f.head();
      for (const op of ops) {
        for (const role of (['receptionist', 'supervisor', 'technician', 'engineering_supervisor', 'project_manager', 'gm_office', 'hr', 'auditor'] as Role[]).filter((r) => !op.roles.includes(r))) {
          const res = await call(op, `Bearer ${f.token(role, ['P01'])}`);
          noLeak(res);
          if (res.status !== 403) throw new Error(`${role} on ${op.method} ${op.url}: ${res.status} ${JSON.stringify(res.body)}`);
        }
      }
      expect(await f.head()).toBe(before);
    });

    it('an allowed role of another project: 403/404 for a P01 target, and nothing of P01 in any answer', async () => {
      const before = await f.head();
      const p01Ids = casesOf('P01').slice(0, 20).map((s) => s.slice(s.indexOf('-') + 1));
      for (const op of ops) {
        const role = op.roles.find((r) => r !== 'admin') ?? 'admin';
        const res = await call(op, `Bearer ${f.token(role, ['P02'])}`);
        noLeak(res);
        if (op.p01Target && op.method === 'get' && ![403, 404].includes(res.status)) throw new Error(`${role}@P02 on ${op.url}: ${res.status}`);
        const text = res.type.includes('json') ? JSON.stringify(res.body) : '';
        for (const id of p01Ids) if (text.includes(id) && !op.url.includes(id)) throw new Error(`${role}@P02 on ${op.url} sees P01 case ${id}`);
        expect(text).not.toMatch(/"P01"/);
      }
      expect(await f.head()).toBe(before);
    });

    it('the allowed role of the project gets past authentication and authorisation (reads: no 401/403; an empty POST: 400 naming a field)', async () => {
      for (const op of ops) {
        const role = op.roles.find((r) => r !== 'admin') ?? 'admin';
        const companyWide = ['gm_office', 'hr', 'auditor', 'admin'].includes(role);
        // The lowercase scheme is accepted like 'Bearer'.
        const res = await call(op, `bearer ${f.token(role, companyWide ? '*' : ['P01'])}`);
        noLeak(res);
        // Reads answer 200, or 400 where the empty analytics store knows no project (exports); never 401 or 403.
        // A path naming a run or alert that is not there (/api/audit/verify/{id}, /api/alerts/{id}/retry) may answer 404; a
        // P01 case read by its own project must not.
        const ok = /\{\w+\}/.test(op.path) && res.status === 404 && !/^\/api\/(audit\/)?cases\//.test(op.path) ? true : op.method === 'post' ? res.status === 400 && res.body.issues?.length > 0 && (!op.path.startsWith('/api/commands/') || JSON.stringify(res.body).includes('body.commandId')) : res.status === 200 || (res.status === 400 && /unknown project/.test(JSON.stringify(res.body)));
        if (!ok) throw new Error(`${role} on ${op.method} ${op.url}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      }
    });
  });

});
