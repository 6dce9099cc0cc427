#!/usr/bin/env node
// Runs every compiled test file under dist/test with node's test runner.
// MESHKV_SKIP_SLOW=1 skips the slow fault tests (files under test/cluster/slow/)
// for a quick local run; CI runs them all. Extra arguments are passed to node.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'

function find (dir) {
  const out = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...find(p))
    else if (name.endsWith('.test.js')) out.push(p)
  }
  return out
}

const skipSlow = process.env.MESHKV_SKIP_SLOW === '1'
const files = find('dist/test').filter(f => !(skipSlow && f.includes(`${join('cluster', 'slow')}`))).sort()
if (files.length === 0) {
  console.error('no test files under dist/test: did the build run?')
  process.exit(1)
}
const res = spawnSync(process.execPath, ['--test', '--test-timeout=180000', ...process.argv.slice(2), ...files], { stdio: 'inherit' })
process.exit(res.status ?? 1)
