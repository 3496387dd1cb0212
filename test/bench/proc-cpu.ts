import { readFileSync } from 'node:fs';

/**
 * CPU seconds (user + system) a process and its main thread (the JavaScript thread: PGlite's WASM, the workbook's
 * writer, HTTP) have used so far, from Linux's /proc; null where it cannot be read. The process's figure includes
 * every thread (chDB's, the projector thread, V8's helpers). utime and stime are the 14th and 15th fields, counted
 * after the command name (which may hold spaces), in ticks of 1/100 s (USER_HZ is 100 on Linux).
 */
export function procCpu(pid: number | undefined = process.pid): { main: number; process: number } | null {
  const seconds = (file: string) => {
    const fields = readFileSync(file, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  try {
    return pid === undefined ? null : { main: seconds(`/proc/${pid}/task/${pid}/stat`), process: seconds(`/proc/${pid}/stat`) };
  } catch {
    return null;
  }
}
