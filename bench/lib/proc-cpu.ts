/**
 * CPU time (user + system) used so far by server processes, from
 * /proc/<pid>/stat: what a system spent per operation, which on a shared
 * machine says more than its throughput (another tenant's load takes much
 * throughput away, and moves CPU time per operation far less: some, through
 * context switches and cold caches). Undefined off Linux.
 */
import { readFileSync } from 'node:fs'
import type { Child } from './procs.js'

const TICKS_PER_SECOND = 100

export function cpuMsOf (children: Child[]): number | undefined {
  let ticks = 0
  for (const c of children) {
    if (c.proc.pid === undefined) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${c.proc.pid}/stat`, 'utf8')
    } catch {
      return undefined
    }
    // fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    ticks += Number(fields[11]) + Number(fields[12])
  }
  return ticks * 1000 / TICKS_PER_SECOND
}
