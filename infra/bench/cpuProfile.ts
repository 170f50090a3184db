// Where the CPU went during a phase, per part of the system, from /proc (Linux only): the profile that
// says what bounds a figure when every part shares the same two cores.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Linux counts process CPU time in clock ticks of 1/100 s (USER_HZ) on every common platform. */
const TICKS_PER_SECOND = 100;

interface ProcessTime {
  ticks: number;
  command: string;
}

export type CpuSnapshot = Map<number, ProcessTime>;

export function snapshotCpu(): CpuSnapshot | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  const snapshot: CpuSnapshot = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // fields after the parenthesised name: state is 3rd, utime the 14th and stime the 15th
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      snapshot.set(Number(entry), { ticks: Number(fields[11]) + Number(fields[12]), command });
    } catch {
      // the process ended between the listing and the read
    }
  }
  return snapshot;
}

/** The parts that are not the system under test: the benchmark's own process, and the rest. */
export const BENCHMARK_PART = 'benchmark (load generator, rebuild)';
export const OTHER_PART = 'other';

/** Names the part of the system a process belongs to. */
export type Classifier = (pid: number, command: string) => string;

export function benchClassifier(ports: { http: number; eventsHttp: number }): Classifier {
  return (pid, command) => {
    if (pid === process.pid) return BENCHMARK_PART;
    if (/postgres/.test(command)) return 'PostgreSQL';
    if (/beam\.smp|erl_child_setup|epmd/.test(command)) return 'RabbitMQ';
    if (command.includes('offline') && command.includes(`--httpPort ${ports.http} `)) {
      return 'API Lambdas (serverless-offline)';
    }
    if (command.includes('offline') && command.includes(`--httpPort ${ports.eventsHttp} `)) {
      return 'relay + projector Lambdas (serverless-offline)';
    }
    if (command.includes('dynalite/cli.js')) return 'dynalite';
    if (command.includes('infra/local/start.ts')) return 'sqslite, queue bridges, relay wake-up';
    return OTHER_PART;
  };
}

/** CPU seconds per part between two snapshots, largest first, and the phase's wall time. */
export function cpuBetween(
  before: CpuSnapshot | undefined,
  after: CpuSnapshot | undefined,
  classify: Classifier,
): Record<string, number> | undefined {
  if (!before || !after) return undefined;
  const seconds = new Map<string, number>();
  for (const [pid, { ticks, command }] of after) {
    const used = ticks - (before.get(pid)?.ticks ?? 0);
    if (used <= 0) continue;
    const part = classify(pid, command);
    seconds.set(part, (seconds.get(part) ?? 0) + used / TICKS_PER_SECOND);
  }
  return Object.fromEntries(
    [...seconds].sort((a, b) => b[1] - a[1]).map(([part, used]) => [part, Math.round(used * 100) / 100]),
  );
}
