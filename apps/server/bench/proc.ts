/**
 * CPU accounting for the benchmarks, from Linux /proc: this machine is shared, so wall-clock rates depend on
 * what else runs, while CPU time per request says where the work goes.
 */
import fs from 'node:fs';
import pg from 'pg';

/** Fields of /proc/<pid>/stat after the command name, or null when the process has ended. */
export function stat(pid: number | string): string[] | null {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  } catch {
    return null;
  }
}

/** CPU seconds used so far by a process (utime + stime, 100 ticks/s). */
export function cpuSeconds(pid: number): number {
  const f = stat(pid);
  return f ? (Number(f[11]) + Number(f[12])) / 100 : 0;
}

/**
 * CPU seconds used so far by one PostgreSQL server: its postmaster, the children it has reaped (cutime,
 * cstime: connections that closed) and the children still running.
 */
export function postgresCpuSeconds(postmaster: string): number {
  const own = stat(postmaster);
  if (!own) return 0;
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    const f = stat(pid);
    if (f && f[1] === postmaster) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / 100;
}

/** The postmaster's pid of the (local) PostgreSQL server at this URL: the parent of our backend. */
export async function postmasterOf(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return stat(rows[0].pid)?.[1] ?? '0';
  } finally {
    await c.end();
  }
}
