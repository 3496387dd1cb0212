import { base, en, Faker, fakerZH_CN, zh_CN } from '@faker-js/faker';
import { BusinessCalendar } from '@service-ledger/calendar';
import type { Actor } from '@service-ledger/core';
import { DateTime } from 'luxon';
import { buildCompany, type Project, type StaffMember } from './company';
import { samplePolicies } from './policies';

export interface PlannedCommand {
  at: number;
  name: string;
  payload: Record<string, unknown>;
  actor: Actor;
  commandId: string;
}

export interface SeedOptions {
  projects: number;
  months: number;
  seed: number;
  /** The end of the generated history (default: now). */
  until?: Date;
  /** Scales every arrival rate (1 = a realistic small company). */
  intensity?: number;
  /** Households per project relative to a typical one (default 1): more buildings, front-line staff and cases. */
  scale?: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const ZONE = 'Asia/Shanghai';
const TOPICS = ['cleaning', 'security', 'parking', 'noise', 'greening', 'fees', 'lifts', 'water', 'power', 'neighbours', 'decoration'];
const FAULTS_URGENT = ['楼梯间水管爆裂', '户内停电，线路有焦味', '电梯困在两层之间', '落水管堵塞外溢', '楼梯扶手松动', '水泵故障，停水'];
const FAULTS_GENERAL = ['厨房水龙头漏水', '门锁损坏', '窗户关不严', '下雨时屋顶漏水', '马桶水箱长流水', '灯具损坏', '卫生间地漏堵塞', '阳台门密封条老化'];
const HELP_DESCRIPTIONS = { A: '老人摔倒，需要叫救护车', B: '询问如何报修', C: '想投诉噪音', D: '询问物业费发票', E: '车棚里的自行车被盗', F: '天花板渗水', G: '钥匙锁在屋内，要备用钥匙' } as const;

/** Hour-of-day weights of owners' calls (local time): busy mornings and afternoons, quiet nights. */
const HOUR_WEIGHTS = [1, 0.5, 0.3, 0.3, 0.3, 0.5, 1, 3, 6, 9, 9, 8, 5, 6, 8, 8, 7, 6, 5, 4, 4, 3, 2, 1.5];

/** The first instant of the generated history: the start of the month `months` before `until`, in the company's zone. */
function historyStart(until: number, months: number): number {
  return DateTime.fromMillis(until, { zone: ZONE }).minus({ months }).startOf('month').toMillis();
}

type Emit = (at: number, name: string, payload: Record<string, unknown>, actor: Actor) => boolean;

/** Commands up to `until` go to `sink`, each with a command id drawn from `f`; says whether the command happened. */
function emitter(f: Faker, until: number, sink: (c: PlannedCommand) => void): Emit {
  return (at, name, payload, actor) => {
    if (at <= until) sink({ at, name, payload, actor, commandId: f.string.uuid() });
    return at <= until;
  };
}

/** The company, and the commands registering its projects and staff (the day before the history starts). */
function company(options: SeedOptions, until: number): { projects: Project[]; staff: StaffMember[]; registrations: PlannedCommand[] } {
  const f: Faker = fakerZH_CN;
  f.seed(options.seed);
  const { projects, companyStaff } = buildCompany(f, options.projects, options.scale);
  const from = historyStart(until, options.months);
  const registrations: PlannedCommand[] = [];
  const emit = emitter(f, until, (c) => registrations.push(c));
  const system: Actor = { staffId: 'seed', role: 'system' };
  const staff = [...projects.flatMap((p) => p.staff), ...companyStaff];
  for (const p of projects) emit(from - DAY, 'RegisterProject', { projectId: p.projectId, name: p.name, city: p.city, buildings: p.buildings, timeZone: ZONE }, system);
  for (const s of staff) emit(from - DAY + MIN, 'RegisterStaffMember', { staffId: s.staffId, name: s.name, role: s.role, department: s.department, projectIds: s.projectIds }, system);
  for (const c of samplePolicies(projects.map((p) => p.projectId), from - DAY, options.seed)) if (c.at <= until) registrations.push(c);
  return { projects, staff, registrations };
}

/**
 * Generates a company's history as commands for the real pipeline. Deterministic for a given seed and end date:
 * ids and command ids come from the seeded generator, so running it twice appends nothing the second time.
 * Holds the whole history in memory; `streamHistory` is the bounded-memory variant for large sets.
 */
export function generateHistory(options: SeedOptions): { projects: Project[]; staff: StaffMember[]; commands: PlannedCommand[] } {
  const until = (options.until ?? new Date()).getTime();
  const { projects, staff, registrations } = company(options, until);
  // The projects draw from the same seeded generator, after the company (fakerZH_CN, seeded in company()).
  const f: Faker = fakerZH_CN;
  const commands = registrations;
  const emit = emitter(f, until, (c) => commands.push(c));
  const days = { from: historyStart(until, options.months), until, intensity: options.intensity ?? 1, calendar: new BusinessCalendar() };
  for (const project of projects) for (const _day of simulateProject(f, project, days, emit));
  commands.sort((a, b) => a.at - b.at);
  return { projects, staff, commands };
}

/**
 * The same kind of history as `generateHistory`, streamed in time order in bounded memory, for benchmark-sized
 * companies (hundreds of projects, millions of commands). Each project draws from its own generator seeded with
 * (seed, project number), so the projects can advance day by day side by side; deterministic for a seed, but
 * not the same commands as `generateHistory` with that seed.
 */
export function* streamHistory(options: SeedOptions): Generator<PlannedCommand, { projects: Project[]; staff: StaffMember[] }> {
  const until = (options.until ?? new Date()).getTime();
  const { projects, staff, registrations } = company(options, until);
  const from = historyStart(until, options.months);
  const days = { from, until, intensity: options.intensity ?? 1, calendar: new BusinessCalendar() };
  // A case's later commands fall on later days: they wait in one bucket per day until that day is due.
  const buckets = new Map<number, PlannedCommand[]>();
  const sink = (c: PlannedCommand) => {
    const day = Math.floor((c.at - from) / DAY);
    const bucket = buckets.get(day);
    if (bucket) bucket.push(c);
    else buckets.set(day, [c]);
  };
  const simulations = projects.map((project, i) => {
    const f = new Faker({ locale: [zh_CN, en, base] });
    f.seed([options.seed, i + 1]);
    return simulateProject(f, project, days, emitter(f, until, sink));
  });
  yield* registrations.sort((a, b) => a.at - b.at);
  const due = function* (day: number) {
    const bucket = buckets.get(day) ?? [];
    buckets.delete(day);
    yield* bucket.sort((a, b) => a.at - b.at);
  };
  let day = 0;
  for (; from + day * DAY < until; day++) {
    for (const s of simulations) s.next();
    yield* due(day);
  }
  for (const last of [...buckets.keys()].sort((a, b) => a - b)) yield* due(last);
  return { projects, staff };
}

/**
 * Staff × project quality (about 0.35–1) as a grade (0.6–1): real 物业 companies report most rates between 85 % and
 * 98 %, with a few weak projects and people below. Durations scale with 1 ÷ grade² (`pace`), so a well-run desk is
 * almost always on time and the weakest misses one limit in five.
 */
const grade = (quality: number) => 0.4 + 0.6 * quality;
const pace = (quality: number) => grade(quality) ** 2;

/**
 * One project's cases, one day per step: each step generates the cases that start that day, with all their later
 * commands (a repair reported today is completed and visited on later days).
 */
function* simulateProject(f: Faker, project: Project, days: { from: number; until: number; intensity: number; calendar: BusinessCalendar }, emit: Emit): Generator<number> {
  const { from, until, intensity, calendar } = days;
  const staffOf = (role: string) => project.staff.filter((s) => s.role === role);
  const actorOf = (s: StaffMember): Actor => ({ staffId: s.staffId, role: s.role });
  const desk = () => f.helpers.arrayElement(staffOf('receptionist'));
  let completedRepairs: { id: string; at: number; building: string; unit: string }[] = [];
  const place = () => {
    const b = f.helpers.arrayElement(project.buildings);
    return { building: b.building, unit: f.helpers.arrayElement(b.units) };
  };
  const owner = (loc: { building: string; unit?: string }) => ({ name: f.person.fullName(), phone: `1${f.helpers.arrayElement(['38', '39', '58', '86', '37'])}${f.string.numeric(8)}`, ref: `${project.projectId}-${loc.building}-${loc.unit ?? 'common'}` });

  for (let day = from; day < until; day += DAY) {
    const local = DateTime.fromMillis(day, { zone: ZONE });
    const working = calendar.isWorkingDay(local.toISODate()!);
    const month = local.month;
    const rainy = month >= 6 && month <= 8 ? 1.6 : month === 5 || month === 9 ? 1.2 : 1;
    const winter = month === 12 || month <= 2 ? 1.15 : 1;
    const dayFactor = (working ? 1 : 0.55) * project.size * intensity;
    const count = (rate: number) => poisson(f, rate * dayFactor);
    const time = () => day + pickHour(f) * HOUR + f.number.int({ min: 0, max: 59 }) * MIN + f.number.int({ min: 0, max: 59 }) * 1000;

    for (let i = count(1.1 * rainy * winter); i > 0; i--) repair(time(), false);
    for (let i = count(0.35); i > 0; i--) complaint(time());
    for (let i = count(0.6); i > 0; i--) help(time());
    for (let i = count(0.15); i > 0; i--) courtesy(time());
    for (let i = count(1.2); i > 0; i--) visitor(time());
    // Reworks: a share of completed orders come back within the warranty, more often from weaker technicians.
    // Orders completed 85 days ago or more can no longer come back: forgetting them keeps memory bounded.
    completedRepairs = completedRepairs.filter((r) => r.at > day - 85 * DAY);
    for (const done of completedRepairs.filter((r) => r.at < day)) {
      if (f.number.float() < 0.0009 * (1.6 - project.quality)) repair(day + f.number.int({ min: 8, max: 18 }) * HOUR, true, done.id, { building: done.building, unit: done.unit });
    }
    yield day;
  }

  function repair(at: number, isRework: boolean, reworkOf?: string, where?: { building: string; unit: string }) {
    const id = f.string.uuid();
    const loc = where ?? place();
    const o = owner(loc);
    const urgent = f.number.float() < 0.25;
    const nonStandard = !isRework && f.number.float() < 0.07;
    const appointment = !urgent && f.number.float() < 0.3 ? at + f.number.int({ min: 20, max: 60 }) * HOUR : undefined;
    const reporter = desk();
    if (!emit(at, 'ReportRepair', {
      repairId: id, projectId: project.projectId, location: loc, part: f.number.float() < 0.3 ? 'common' : 'private', channel: f.helpers.weightedArrayElement([{ value: 'phone', weight: 6 }, { value: 'in_person', weight: 2 }, { value: 'online', weight: 2 }]),
      reporter: { name: o.name, phone: o.phone }, ownerRef: o.ref, fault: f.helpers.arrayElement(urgent ? FAULTS_URGENT : FAULTS_GENERAL), category: urgent ? 'urgent' : 'general',
      nonStandard, ...(appointment ? { appointmentAt: new Date(appointment).toISOString() } : {}), keyLeft: f.number.float() < 0.1, ...(reworkOf ? { reworkOf } : {}),
    }, actorOf(reporter))) return;
    const eng = staffOf('engineering_supervisor')[0];
    const tech = f.helpers.arrayElement(staffOf('technician'));
    const q = tech.quality * project.quality;
    const slow = pace(q);
    let t = at;
    if (nonStandard) {
      t += Math.round(lognormal(f, 7 / q, 0.5) * MIN);
      const feasible = f.number.float() < 0.9;
      if (!emit(t, 'AssessRepair', { repairId: id, feasible, estimatedCost: f.number.int({ min: 50, max: 800 }) * 100 }, actorOf(eng))) return;
      if (!feasible) return void emit(t + 10 * MIN, 'CancelRepair', { repairId: id, reason: '无法维修：需专业厂家处理' }, actorOf(reporter));
    }
    t += f.number.int({ min: 2, max: 25 }) * MIN;
    if (!emit(t, 'DispatchRepair', { repairId: id, technicianId: tech.staffId, dispatchNo: `PG${f.string.numeric(8)}` }, actorOf(eng))) return;
    const start = Math.max(t, appointment ?? 0);
    t = urgent ? start + Math.round(lognormal(f, 30 / slow, 0.45) * MIN) : start + Math.round(lognormal(f, (appointment ? 0.5 : 8) / slow, 0.6) * HOUR);
    if (!emit(t, 'RecordTechnicianArrival', { repairId: id }, actorOf(tech))) return;
    const free = isRework;
    const materialCost = free ? 0 : f.number.int({ min: 0, max: 30 }) * 500;
    const labourCost = free ? 0 : f.number.int({ min: 2, max: 12 }) * 1000;
    t += 10 * MIN;
    if (!emit(t, 'QuoteRepair', { repairId: id, scope: '已与业主现场确认维修范围', materialCost, labourCost }, actorOf(tech))) return;
    if (!free && f.number.float() < 0.05) {
      emit(t + 5 * MIN, 'DeclineRepairQuote', { repairId: id, reason: '业主认为价格过高' }, actorOf(tech));
      return void emit(t + 30 * MIN, 'CancelRepair', { repairId: id, reason: '业主拒绝报价' }, actorOf(reporter));
    }
    if (f.number.float() < 0.1) {
      const verdict = f.helpers.weightedArrayElement([{ value: 'ok', weight: 8 }, { value: 'poor', weight: 1 }, { value: 'nonconforming', weight: 1 }]);
      if (!emit(t + 2 * MIN, 'CheckOwnerMaterial', { repairId: id, material: '业主自购水龙头', verdict }, actorOf(tech))) return;
      if (verdict === 'nonconforming' && !emit(t + 40 * MIN, 'CheckOwnerMaterial', { repairId: id, material: '业主自购水龙头', verdict: 'ok', notes: '已重新购买' }, actorOf(tech))) return;
      t += 45 * MIN;
    }
    if (!emit(t + 3 * MIN, 'AcceptRepairQuote', { repairId: id }, actorOf(tech))) return;
    if (!emit(t + 5 * MIN, 'StartRepairWork', { repairId: id }, actorOf(tech))) return;
    t += 5 * MIN;
    let work = urgent ? lognormal(f, 4 / slow, 0.7) * HOUR : lognormal(f, 10 / slow, 0.7) * HOUR;
    if (f.number.float() < 0.1) {
      const pauseAt = t + work / 3;
      const pause = f.number.int({ min: 12, max: 48 }) * HOUR;
      if (!emit(pauseAt, 'PauseRepair', { repairId: id, reason: f.helpers.arrayElement(['parts_on_order', 'owner_absent', 'third_party']) }, actorOf(tech))) return;
      if (!emit(pauseAt + pause, 'ResumeRepair', { repairId: id }, actorOf(tech))) return;
      work += pause;
    }
    t += Math.round(work);
    if (!emit(t, 'CompleteRepair', { repairId: id, workDone: '已修复并与业主一起试用', materials: materialCost ? [{ name: '配件', quantity: 1, ownerSupplied: false }] : [], materialCost, labourCost }, actorOf(tech))) return;
    completedRepairs.push({ id, at: t, building: loc.building, unit: loc.unit });
    const late = (urgent ? t - start > 24 * HOUR : t - start > 72 * HOUR);
    const satisfied = f.number.float() < (late ? 0.6 : 0.97) * (0.85 + 0.15 * grade(q));
    if (!emit(t + 10 * MIN, 'RecordOwnerAcceptance', { repairId: id, satisfied, signed: true }, actorOf(tech))) return;
    if (materialCost + labourCost > 0 && !emit(t + f.number.int({ min: 1, max: 48 }) * HOUR, 'ReceiveRepairPayment', { repairId: id, amount: materialCost + labourCost, method: f.helpers.arrayElement(['wechat', 'alipay', 'cash', 'card']) }, actorOf(desk()))) return;
    if (f.number.float() < 0.86 + 0.13 * project.quality) {
      const visitor = desk();
      emit(t + f.number.int({ min: 4, max: 90 }) * HOUR, 'RecordRepairFollowUpVisit', { repairId: id, visitId: f.string.uuid(), method: f.helpers.arrayElement(['phone', 'phone', 'door', 'online']), satisfied, ...(satisfied ? {} : { remarks: late ? '维修拖得太久' : '修好没几天又坏了' }), visitorStaffId: visitor.staffId }, actorOf(visitor));
    }
  }

  function complaint(at: number) {
    const id = f.string.uuid();
    const loc = place();
    const o = owner(loc);
    const receiver = desk();
    const sup = staffOf('supervisor')[0];
    const q = receiver.quality * project.quality;
    if (!emit(at, 'ReceiveComplaint', { complaintId: id, projectId: project.projectId, location: loc, channel: f.helpers.arrayElement(['phone', 'phone', 'in_person', 'letter', 'online']), complainant: { name: o.name, phone: o.phone }, ownerRef: o.ref, content: '业主反映服务存在问题', wishes: '希望尽快解决并给予答复' }, actorOf(receiver))) return;
    const valid = f.number.float() < 0.35;
    const major = valid && f.number.float() < 0.04;
    let t = at + f.number.int({ min: 5, max: 60 }) * MIN;
    if (!emit(t, 'ClassifyComplaint', {
      complaintId: id, nature: valid ? 'valid' : 'communicative', ...(valid ? {} : { communicativeKind: f.helpers.arrayElement(['help_seeking', 'inquiry', 'suggestion', 'venting']) }),
      content: f.helpers.weightedArrayElement([{ value: 'service_attitude', weight: 4 }, { value: 'service_quality', weight: 3 }, { value: 'facilities', weight: 3 }, { value: 'sudden_event', weight: 1 }]),
      topic: f.helpers.arrayElement(TOPICS), reasonable: valid || f.number.float() < 0.5, major,
    }, actorOf(sup))) return;
    if (f.number.float() < 0.06 && !emit(t + 30 * MIN, 'EscalateComplaint', { complaintId: id, level: 'project_manager', reason: '业主要求项目经理出面' }, actorOf(sup))) return;
    if (major && !emit(t + 20 * MIN, 'ReportMajorComplaint', { complaintId: id, place: `${loc.building}栋`, symptoms: '多户业主受影响', handlingPlan: '抢修人员已到场' }, actorOf(sup))) return;
    if (f.number.float() < 0.7) {
      t += f.number.int({ min: 30, max: 240 }) * MIN;
      if (!emit(t, 'InvestigateComplaint', { complaintId: id, findings: '已现场核实情况', cause: f.helpers.arrayElement(['subjective', 'objective']) }, actorOf(sup))) return;
    }
    const promise = t + f.number.int({ min: 1, max: 3 }) * DAY;
    if (!emit(t + 10 * MIN, 'AssignComplaintResponsibility', { complaintId: id, department: f.helpers.arrayElement(['customer_service', 'engineering', 'cleaning', 'security']), promisedReplyBy: new Date(promise).toISOString() }, actorOf(sup))) return;
    // First reply: a good desk replies within hours of working time; a weak one may miss half a working day.
    const reply = calendar.addWorkingTime(new Date(at), Math.round(lognormal(f, 0.8 / pace(q), 0.6) * HOUR)).getTime();
    if (!emit(Math.max(reply, t + 20 * MIN), 'ReplyToComplainant', { complaintId: id, message: '我们正在处理，请耐心等待', final: false }, actorOf(receiver))) return;
    let handled = Math.max(reply, t) + Math.round(lognormal(f, 7 / pace(q), 0.6) * HOUR);
    if (major && !emit(handled - HOUR, 'AnalyseMajorComplaint', { complaintId: id, analysis: '已查明原因，预防方案已确定' }, actorOf(sup))) return;
    if (!emit(handled, 'HandleComplaint', { complaintId: id, solution: '已与业主沟通解决', handledById: receiver.staffId, complainantSignedOff: true }, actorOf(receiver))) return;
    let satisfied = f.number.float() < 0.97 - 0.25 * (1 - grade(q));
    let visitAt = handled + f.number.int({ min: 6, max: 70 }) * HOUR;
    if (!emit(visitAt, 'RecordComplaintFollowUpVisit', { complaintId: id, visitId: f.string.uuid(), method: 'phone', satisfied, ...(satisfied ? {} : { remarks: '问题没有解决' }), visitorStaffId: receiver.staffId }, actorOf(receiver))) return;
    if (!satisfied) {
      handled = visitAt + Math.round(lognormal(f, 24, 0.5) * HOUR);
      if (!emit(handled, 'HandleComplaint', { complaintId: id, solution: '第二次处理后解决', handledById: receiver.staffId, complainantSignedOff: true }, actorOf(receiver))) return;
      satisfied = true;
      visitAt = handled + 24 * HOUR;
      if (!emit(visitAt, 'RecordComplaintFollowUpVisit', { complaintId: id, visitId: f.string.uuid(), method: 'door', satisfied, visitorStaffId: receiver.staffId }, actorOf(receiver))) return;
    }
    if (!emit(visitAt + 2 * DAY, 'ReviewComplaint', { complaintId: id, causeSummary: '见调查结果', handlingSummary: '已解决', correctiveAction: '已向班组通报', preventiveAction: '纳入每周巡检' }, actorOf(sup))) return;
    emit(visitAt + 3 * DAY, 'ArchiveComplaint', { complaintId: id }, actorOf(sup));
  }

  function help(at: number) {
    const id = f.string.uuid();
    const category = f.helpers.weightedArrayElement([{ value: 'A', weight: 2 }, { value: 'B', weight: 15 }, { value: 'C', weight: 8 }, { value: 'D', weight: 25 }, { value: 'E', weight: 4 }, { value: 'F', weight: 5 }, { value: 'G', weight: 41 }]) as keyof typeof HELP_DESCRIPTIONS;
    const receiver = desk();
    const loc = place();
    const o = owner(loc);
    if (!emit(at, 'ReceiveHelpRequest', { requestId: id, projectId: project.projectId, kind: f.helpers.arrayElement(['help_request', 'inquiry', 'reception_visit']), category, channel: f.helpers.arrayElement(['phone', 'in_person']), location: loc, requester: { name: o.name, phone: o.phone }, ownerRef: o.ref, description: HELP_DESCRIPTIONS[category] }, actorOf(receiver))) return;
    let t = at;
    if (f.number.float() < 0.2) {
      t += f.number.int({ min: 1, max: 3 }) * MIN;
      if (!emit(t, 'ReferHelpRequest', { requestId: id, referredToId: staffOf('supervisor')[0].staffId, reason: '已请示主管' }, actorOf(receiver))) return;
    }
    t += Math.round(lognormal(f, 1 / pace(receiver.quality * project.quality), 0.6) * MIN);
    emit(t, 'AnswerHelpRequest', { requestId: id, answer: '已答复并跟进' }, actorOf(receiver));
  }

  function courtesy(at: number) {
    const loc = place();
    const o = owner(loc);
    const who = desk();
    emit(at, 'RecordCourtesyVisit', { visitId: f.string.uuid(), projectId: project.projectId, kind: f.helpers.arrayElement(['regular', 'ad_hoc']), method: f.helpers.arrayElement(['door', 'phone']), location: loc, ownerRef: o.ref, satisfied: f.number.float() < 0.85 + 0.13 * project.quality }, actorOf(who));
  }

  function visitor(at: number) {
    const id = f.string.uuid();
    const loc = place();
    const who = desk();
    if (!emit(at, 'CheckInVisitor', { visitorId: id, projectId: project.projectId, visitor: { name: f.person.fullName(), phone: `13${f.string.numeric(9)}`, idDocumentNo: f.string.numeric(18) }, hostLocation: loc, purpose: f.helpers.arrayElement(['探亲', '送货', '装修勘察', '看房']) }, actorOf(who))) return;
    emit(at + f.number.int({ min: 15, max: 240 }) * MIN, 'CheckOutVisitor', { visitorId: id }, actorOf(who));
  }
}

function poisson(f: Faker, lambda: number): number {
  let k = 0;
  let p = Math.exp(-lambda);
  let s = p;
  const u = f.number.float();
  while (u > s && k < 100) {
    k += 1;
    p *= lambda / k;
    s += p;
  }
  return k;
}

/** A positive, right-skewed duration around `median` (log-normal), in the unit of the median. */
function lognormal(f: Faker, median: number, sigma: number): number {
  const u1 = Math.max(f.number.float(), 1e-9);
  const u2 = f.number.float();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return median * Math.exp(sigma * z);
}

function pickHour(f: Faker): number {
  return f.helpers.weightedArrayElement(HOUR_WEIGHTS.map((weight, value) => ({ value, weight })));
}
