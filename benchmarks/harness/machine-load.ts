/**
 * The machine's load while a round ran: how much CPU everything else on the
 * machine used (other benchmarks, builds, other users), apart from this
 * process tree (the runner, its coordinators, haproxy). On Linux it comes
 * from /proc/stat (all CPUs' time) and /proc/<pid>/stat of this process and
 * its descendants; elsewhere only os.loadavg() and this process's own CPU
 * time are known.
 *
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** The load of one measured round of one contender. */
export interface RoundLoad {
  /** Phase or load level. */
  phase: string;
  /** Round number, from 0. */
  round: number;
  /** The contender measured. */
  system: string;
  /** Wall time of the round, ms. */
  wallMs: number;
  /** CPU time of other processes over the round, in % of the whole machine (all cores); null where /proc is missing. */
  otherCpuPct: number | null;
  /** CPU time of this process tree over the round, in % of the whole machine. */
  ownCpuPct: number;
  /** 1-minute load average at the end of the round. */
  loadAvg1: number;
}

/** A point in time to measure from. */
export interface LoadMark {
  at: number;
  /** All CPUs' busy and total ticks, if /proc/stat was read. */
  machine: { busy: number; total: number } | undefined;
  /** This process tree's ticks (utime + stime, plus reaped children's), if /proc was read. */
  own: number | undefined;
  /** process.cpuUsage() fallback. */
  cpu: NodeJS.CpuUsage;
}

/** Reads the machine's and this tree's CPU time now. */
export function markLoad(): LoadMark {
  return { at: performance.now(), machine: readMachine(), own: readOwnTree(), cpu: process.cpuUsage() };
}

/** The load between a mark and now. */
export function loadSince(mark: LoadMark, label: { phase: string; round: number; system: string }): RoundLoad {
  const end = markLoad();
  const wallMs = end.at - mark.at;
  const loadAvg1 = Number(os.loadavg()[0]!.toFixed(2));
  if (mark.machine && end.machine && mark.own !== undefined && end.own !== undefined) {
    const total = end.machine.total - mark.machine.total;
    const busy = end.machine.busy - mark.machine.busy;
    const own = Math.max(0, end.own - mark.own);
    if (total > 0) {
      return {
        ...label,
        wallMs: round1(wallMs),
        otherCpuPct: round1(Math.max(0, ((busy - own) / total) * 100)),
        ownCpuPct: round1(Math.min(100, (own / total) * 100)),
        loadAvg1,
      };
    }
  }
  const usedUs = end.cpu.user - mark.cpu.user + end.cpu.system - mark.cpu.system;
  const capacityUs = wallMs * 1000 * os.availableParallelism();
  return {
    ...label,
    wallMs: round1(wallMs),
    otherCpuPct: null,
    ownCpuPct: round1(capacityUs > 0 ? (usedUs / capacityUs) * 100 : 0),
    loadAvg1,
  };
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

function readMachine(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user).
    const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

interface ProcStat {
  ppid: number;
  ticks: number;
  childTicks: number;
}

function readProcStat(pid: string): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
    return {
      ppid: Number(rest[1]),
      ticks: Number(rest[11]) + Number(rest[12]),
      childTicks: Number(rest[13]) + Number(rest[14]),
    };
  } catch {
    return undefined;
  }
}

/**
 * CPU ticks of this process and every live descendant, plus what this
 * process's reaped children used (a coordinator killed mid-round, a stopped
 * haproxy). Undefined where /proc is missing.
 */
function readOwnTree(): number | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  const stats = new Map<number, ProcStat>();
  for (const pid of pids) {
    const s = readProcStat(pid);
    if (s) stats.set(Number(pid), s);
  }
  const root = stats.get(process.pid);
  if (!root) return undefined;
  const children = new Map<number, number[]>();
  for (const [pid, s] of stats) {
    const list = children.get(s.ppid);
    if (list) list.push(pid);
    else children.set(s.ppid, [pid]);
  }
  let ticks = root.childTicks;
  const queue = [process.pid];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    ticks += stats.get(pid)?.ticks ?? 0;
    for (const child of children.get(pid) ?? []) queue.push(child);
  }
  return ticks;
}

/** Median of the other processes' CPU use over rounds, or null when unknown. */
export function medianOtherCpu(load: readonly RoundLoad[]): number | null {
  const values = load
    .map((l) => l.otherCpuPct)
    .filter((v): v is number => v !== null)
    .sort((a, b) => a - b);
  if (values.length === 0) return null;
  const mid = values.length >> 1;
  return values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}
