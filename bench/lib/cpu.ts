// CPU time per process over a measured phase, from /proc (Linux): far steadier than wall-clock
// throughput on a shared, loaded machine. A process counts with its whole tree — PostgreSQL's
// backends are children of its postmaster — including children that ended (cutime/cstime).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_S = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  ppid: number;
  /** utime + stime + cutime + cstime, in ticks. */
  ticks: number;
}

function readAll(): Map<number, ProcStat> {
  const out = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields start after the last ')'.
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      out.set(Number(name), {
        ppid: Number(f[1]),
        ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]),
      });
    } catch {
      // ended while we looked
    }
  }
  return out;
}

/** CPU milliseconds used so far by each process tree (root pid → ms); the load driver (this process) as `driver`. */
export function cpuSnapshot(roots: Record<string, number | undefined>): Record<string, number> {
  const all = readAll();
  const children = new Map<number, number[]>();
  for (const [pid, s] of all) {
    const list = children.get(s.ppid) ?? [];
    list.push(pid);
    children.set(s.ppid, list);
  }
  const out: Record<string, number> = {};
  for (const [name, root] of Object.entries(roots)) {
    if (!root || !all.has(root)) continue;
    let ticks = 0;
    for (const stack = [root]; stack.length;) {
      const pid = stack.pop()!;
      ticks += all.get(pid)?.ticks ?? 0;
      stack.push(...(children.get(pid) ?? []));
    }
    out[name] = (ticks * 1000) / TICKS_PER_S;
  }
  const own = process.cpuUsage();
  out.driver = (own.user + own.system) / 1000;
  return out;
}

/** CPU milliseconds per action of each process between two snapshots, and their total. */
export function cpuPerAction(
  before: Record<string, number>,
  after: Record<string, number>,
  actions: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  let total = 0;
  for (const [name, ms] of Object.entries(after)) {
    const used = ms - (before[name] ?? 0);
    out[name] = Math.round((used / actions) * 100) / 100;
    if (name !== 'driver') total += used;
  }
  out.totalWithoutDriver = Math.round((total / actions) * 100) / 100;
  return out;
}
