/** The `web` key and `--web` flag: a boolean; on, the node runs a relay server for browser tabs. */
import '../../src/shim.js'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { nodeOptions, resolveConfig } from '../../src/daemon/config.js'

test('web is off by default, on by the key or the flag, and turns the relay server on', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'meshkv-web-'))
  try {
    const off = await resolveConfig({ cwd: dir })
    assert.equal(off.web, false)
    assert.equal(nodeOptions(off).reach?.relayServer, 'auto', 'off: relay only where a listen address is public')
    const flag = await resolveConfig({ cwd: dir, flags: { web: true } })
    assert.equal(nodeOptions(flag).reach?.relayServer, true)
    const file = join(dir, 'c.json')
    await writeFile(file, JSON.stringify({ web: true }))
    assert.equal((await resolveConfig({ cwd: dir, file })).web, true)
    await writeFile(file, JSON.stringify({ web: 'yes' }))
    await assert.rejects(resolveConfig({ cwd: dir, file }), (err: Error & { code?: string }) => err.code === 'ERR_INVALID_CONFIG' && /web: must be true or false, got "yes"/.test(err.message))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
