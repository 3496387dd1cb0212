import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/**
 * Each capability's read side is typed by its own event union (issue 16): renaming a field of an event, or adding an
 * event the fold does not decide, must fail the type check in that capability's read-side files — not compile and
 * silently break the SLA clocks and the KPIs. The edits are made in memory (a compiler-host overlay over the real
 * files), and only the read side and what it imports are checked.
 */
const root = join(__dirname, '..');
const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
const options: ts.CompilerOptions = { ...config.options, noEmit: true, types: [] };

/** Parsed files shared by every program (the unedited ones never change): parsing is most of a program's cost. */
const parsed = new Map<string, ts.SourceFile>();
let previous: ts.Program | undefined;

/**
 * Files of `readSide` with type errors (repository-relative path → first message) once `edit` is applied to `file`.
 * Only the read side's own files are checked; the checker reads what they use of the rest on demand.
 */
function errorsWith(readSide: string, file?: string, edit?: (source: string) => string): Map<string, string> {
  const host = ts.createCompilerHost(options);
  const edited = file && edit ? join(root, file) : undefined;
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, onError, create) => {
    if (edited && name === edited) {
      const original = readFileSync(name, 'utf8');
      const text = edit!(original);
      if (text === original) throw new Error(`the edit changed nothing in ${file}`);
      return ts.createSourceFile(name, text, language);
    }
    let source = parsed.get(name);
    if (!source) {
      source = getSourceFile(name, language, onError, create);
      if (source) parsed.set(name, source);
    }
    return source;
  };
  const program = ts.createProgram({ rootNames: [join(root, readSide, 'index.ts')], options, host, oldProgram: previous });
  previous = program;
  const errors = new Map<string, string>();
  for (const source of program.getSourceFiles().filter((f) => relative(root, f.fileName).startsWith(readSide + '/'))) {
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      const path = relative(root, source.fileName);
      if (!errors.has(path)) errors.set(path, ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    }
  }
  return errors;
}

const rename = (from: string, to: string) => (source: string) => source.split(from).join(to);

describe('the read side is typed by its capability’s events', () => {
  it.each([
    ['libs/complaints/src/read-side', 'libs/complaints/src/events.ts', 'promisedReplyBy', 'promisedReplyAt', 'libs/complaints/src/read-side/clocks.ts'],
    ['libs/complaints/src/read-side', 'libs/complaints/src/events.ts', 'handledById', 'handlerId', 'libs/complaints/src/read-side/case-row.ts'],
    ['libs/repairs/src/read-side', 'libs/repairs/src/events.ts', 'assessorId', 'assessedById', 'libs/repairs/src/read-side/case-row.ts'],
    ['libs/repairs/src/read-side', 'libs/repairs/src/events.ts', 'appointmentAt', 'appointedAt', 'libs/repairs/src/read-side/clocks.ts'],
    ['libs/help-requests/src/read-side', 'libs/help-requests/src/events.ts', 'answeredById', 'answeredBy', 'libs/help-requests/src/read-side/case-row.ts'],
    ['libs/courtesy-visits/src/read-side', 'libs/courtesy-visits/src/events.ts', 'visitorStaffId', 'visitedById', 'libs/courtesy-visits/src/read-side/case-row.ts'],
    ['libs/visitor-log/src/read-side', 'libs/visitor-log/src/events.ts', 'checkedInById', 'checkedInBy', 'libs/visitor-log/src/read-side/visitor-row.ts'],
  ])('%s: renaming %s’s field `%s` to `%s` fails the check in %s', (readSide, events, from, to, where) => {
    expect(errorsWith(readSide)).toEqual(new Map()); // as committed, the read side checks clean
    const errors = errorsWith(readSide, events, rename(from, to));
    expect(errors.get(where)).toMatch(new RegExp(from));
  });

  it('an event added to the complaint union that the fold does not decide fails the check (exhaustive switch)', () => {
    const errors = errorsWith('libs/complaints/src/read-side', 'libs/complaints/src/events.ts', (source) =>
      source.replace('export type ComplaintEvent =\n', "export type ComplaintWithdrawn = DomainEvent<'ComplaintWithdrawn', { reason: string }>;\nexport type ComplaintEvent =\n  | ComplaintWithdrawn\n"),
    );
    expect(errors.get('libs/complaints/src/read-side/case-row.ts')).toMatch(/ComplaintWithdrawn.*not assignable to parameter of type 'never'/s);
  });
});
