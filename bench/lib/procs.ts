/** Child processes, free ports, temp dirs and polling, all undone through cleanup.ts. */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { STAGE_FILES, onCleanup } from './cleanup.js'
import type { ChildProcess } from 'node:child_process'

export async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0
      srv.close(() => { resolve(port) })
    })
  })
}

/**
 * Data dirs go on tmpfs (/dev/shm) when there is one, so every system's
 * fsync is cheap alike and the comparison measures software, not this disk;
 * MESHKV_BENCH_DATA=/some/dir puts them on a disk instead.
 */
export function dataRoot (): string {
  const chosen = process.env.MESHKV_BENCH_DATA
  if (chosen !== undefined && chosen !== '') return chosen
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir()
}

export async function tempDir (prefix: string): Promise<string> {
  const dir = await mkdtemp(join(dataRoot(), `meshkv-bench-${prefix}-`))
  onCleanup(`remove ${dir}`, async () => { await rm(dir, { recursive: true, force: true }) }, STAGE_FILES)
  return dir
}

export const sleep = async (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

export async function waitFor (what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 20_000, everyMs = 100): Promise<void> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (await cond()) return
    await sleep(everyMs)
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}

export interface Child {
  proc: ChildProcess
  name: string
  /** the last 64 KiB of stdout and stderr, for error messages */
  logs: () => string
  exited: Promise<number | null>
  stop: () => Promise<void>
}

const LOG_KEEP = 64 * 1024
const running = new Set<ChildProcess>()

// the last resort, for an exit that skipped the cleanups (a second Ctrl-C): no child outlives the bench
process.on('exit', () => {
  for (const p of running) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL')
})

/** Start a process whose end is registered for cleanup: SIGTERM, then SIGKILL after graceMs. */
export function startChild (name: string, cmd: string, args: string[], options: { cwd?: string, graceMs?: number, env?: NodeJS.ProcessEnv } = {}): Child {
  const proc = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] })
  running.add(proc)
  proc.on('exit', () => { running.delete(proc) })
  let logs = ''
  const keep = (d: Buffer): void => { logs = (logs + d.toString()).slice(-LOG_KEEP) }
  proc.stdout?.on('data', keep)
  proc.stderr?.on('data', keep)
  proc.on('error', err => { logs += `\nspawn error: ${err.message}` })
  const exited = new Promise<number | null>(resolve => {
    proc.on('exit', code => { resolve(code) })
    proc.on('error', () => { resolve(null) })
  })
  const graceMs = options.graceMs ?? 3_000
  const stop = onCleanup(`stop ${name} (pid ${proc.pid ?? '?'})`, async () => {
    if (proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return
    proc.kill('SIGTERM')
    const timer = setTimeout(() => { proc.kill('SIGKILL') }, graceMs)
    await exited
    clearTimeout(timer)
  })
  return { proc, name, logs: () => logs, exited, stop }
}

export function alive (c: Child): boolean {
  return c.proc.exitCode === null && c.proc.signalCode === null
}
