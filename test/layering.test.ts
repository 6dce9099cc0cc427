/**
 * The dependency direction of DESIGN.md, checked on the sources: the pure
 * core imports no I/O, no libp2p and no Node built-ins; nothing outside the
 * edges imports the edges (daemon, cli).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const ROOT = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..')
const SRC = join(ROOT, 'src')

function sources (dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? sources(p) : name.endsWith('.ts') ? [p] : []
  })
}

function imports (file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm)]
    .map(m => m[1] ?? m[2])
}

const PURE = ['ring', 'version', 'merkle']
const PURE_ALLOWED = /^(\.{1,2}\/|@noble\/hashes|uint8arrays)/

test('the pure core imports nothing with I/O', () => {
  const offences: string[] = []
  for (const dir of PURE) {
    let files: string[] = []
    try { files = sources(join(SRC, dir)) } catch { continue }
    for (const file of files) {
      for (const spec of imports(file)) {
        const escapes = spec.startsWith('.') && !PURE.some(p => relative(SRC, join(file, '..', spec)).startsWith(p)) &&
          !['errors.js', 'constants.js'].includes(relative(SRC, join(file, '..', spec)))
        if (!PURE_ALLOWED.test(spec) || escapes) offences.push(`${relative(ROOT, file)} imports ${spec}`)
      }
    }
  }
  assert.deepEqual(offences, [])
})

test('nothing in src/ outside the edges imports the daemon or the CLI', () => {
  const offences: string[] = []
  for (const file of sources(SRC)) {
    const rel = relative(SRC, file)
    if (rel.startsWith('daemon') || rel.startsWith('cli')) continue
    for (const spec of imports(file)) {
      if (/(^|\/)(daemon|cli)\//.test(spec)) offences.push(`${rel} imports ${spec}`)
    }
  }
  assert.deepEqual(offences, [])
})
