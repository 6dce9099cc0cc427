/**
 * `npm run bench -- <name> [options]`: runs one benchmark, prints its table,
 * writes JSON (and SVG) under bench/results/. Whatever it started is stopped
 * at the end, on an error, and on SIGINT/SIGTERM.
 */
import '../src/shim.js'
import { runCleanups } from './lib/cleanup.js'
import { UsageError, helpText, makeContext, parseOptions } from './lib/bench.js'
import { DEFAULT_RESULTS_DIR, machine, writeResult } from './lib/results.js'
import { latency } from './latency.js'
import { ycsb } from './ycsb.js'
import { ring } from './ring.js'
import { membership } from './membership.js'
import { tombstones } from './tombstones.js'
import { antientropy } from './antientropy.js'
import { observability } from './observability.js'
import { buckets } from './buckets.js'
import { browser } from './browser.js'
import { soak } from './soak.js'
import type { Benchmark } from './lib/bench.js'

const BENCHMARKS: Benchmark[] = [latency, ycsb, ring, membership, antientropy, tombstones, observability, buckets, browser, soak]

function usage (): string {
  const w = Math.max(...BENCHMARKS.map(b => b.name.length))
  return [
    'usage: npm run bench -- <benchmark> [options]     (npm run bench -- <benchmark> --help for its options)',
    '',
    ...BENCHMARKS.map(b => `  ${b.name.padEnd(w)}  ${b.summary}`),
    '',
    'Results: bench/results/<benchmark>-<timestamp>.json and <benchmark>-latest.json (and .svg charts).'
  ].join('\n')
}

let stopping = false
async function shutdown (code: number, why?: string): Promise<never> {
  if (!stopping) {
    stopping = true
    if (why !== undefined) process.stderr.write(`\n${why}: stopping everything the bench started ...\n`)
    await runCleanups()
  }
  process.exit(code)
}

async function main (argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n')
    return name === undefined ? 2 : 0
  }
  const bench = BENCHMARKS.find(b => b.name === name)
  if (bench === undefined) {
    process.stderr.write(`unknown benchmark: ${name}\n\n${usage()}\n`)
    return 2
  }
  let args
  try {
    args = parseOptions(rest, bench.options)
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${helpText(bench)}\n`)
    return 2
  }
  if (args.bool('help')) {
    process.stdout.write(helpText(bench) + '\n')
    return 0
  }
  const out = args.has('out') ? args.str('out') : DEFAULT_RESULTS_DIR
  const startedAt = new Date()
  const result = await bench.run(args, makeContext(out, startedAt))
  await runCleanups()
  const file = await writeResult(out, {
    benchmark: bench.name,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: machine(),
    options: args.all(),
    result
  })
  process.stdout.write(`results: ${file}\n`)
  return 0
}

process.on('SIGINT', () => { void shutdown(130, 'SIGINT') })
process.on('SIGTERM', () => { void shutdown(143, 'SIGTERM') })

main(process.argv.slice(2)).then(code => shutdown(code), err => {
  const usageErr = err instanceof UsageError
  process.stderr.write(`${usageErr ? '' : 'bench failed: '}${usageErr ? (err as Error).message : (err as Error).stack ?? String(err)}\n`)
  return shutdown(usageErr ? 2 : 1)
})
