/**
 * Results as JSON under bench/results/: one file per run and a -latest copy
 * that docs and the smoke test read. The machine is recorded with the
 * numbers, since numbers from another machine are not comparable.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus, totalmem, platform, release } from 'node:os'
import { join, resolve } from 'node:path'

/** dist/bench/lib -> the repository's bench/results */
export const DEFAULT_RESULTS_DIR = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..', '..', 'bench', 'results')

export interface Machine {
  cpus: number
  cpuModel: string
  memGiB: number
  node: string
  platform: string
}

export function machine (): Machine {
  const c = cpus()
  return {
    cpus: c.length,
    cpuModel: c[0]?.model ?? 'unknown',
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${platform()} ${release()}`
  }
}

export interface ResultEnvelope<T> {
  benchmark: string
  startedAt: string
  finishedAt: string
  machine: Machine
  options: Record<string, unknown>
  result: T
}

export function stamp (d = new Date()): string {
  return d.toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')
}

/** Write <name>-<timestamp>.<ext> and <name>-latest.<ext>; returns the timestamped path. */
export async function writeArtifact (dir: string, name: string, ext: string, text: string, when = new Date()): Promise<string> {
  await mkdir(dir, { recursive: true })
  const file = join(dir, `${name}-${stamp(when)}.${ext}`)
  await writeFile(file, text)
  await writeFile(join(dir, `${name}-latest.${ext}`), text)
  return file
}

export async function writeResult<T> (dir: string, envelope: ResultEnvelope<T>): Promise<string> {
  return writeArtifact(dir, envelope.benchmark, 'json', JSON.stringify(envelope, null, 2) + '\n', new Date(envelope.startedAt))
}
