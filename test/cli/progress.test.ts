/**
 * Progress bars: drawn on a terminal (stderr.isTTY), nothing at all
 * otherwise, so piped output is what it was without them.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { progress } from '../../src/cli/progress.js'
import type { CliIo } from '../../src/cli/io.js'

function io (isTTY: boolean): { io: CliIo, written: () => string } {
  let written = ''
  const stderr = { isTTY, columns: 100, write: (c: string) => { written += c; return true } }
  return { io: { stdout: { write: () => true }, stderr, stdin: (async function * () {})(), env: {} }, written: () => written }
}

describe('progress bars', () => {
  test('on a terminal: a bar with the label, the counts and the percentage once the total is known', () => {
    const t = io(true)
    const bar = progress(t.io, { label: 'leave', unit: 'keys' })
    bar.update(5, 20)
    bar.update(10, 20)
    bar.stop()
    assert.match(t.written(), /leave \[.*\] 50% \| 10 keys of 20 keys/)
    const b = io(true)
    const bytes = progress(b.io, { label: 'import', unit: 'bytes', bytes: true, total: 4 * 1024 * 1024 })
    bytes.update(1024 * 1024)
    bytes.stop()
    assert.match(b.written(), /import \[.*\] 25% \| 1.0 MiB of 4.0 MiB/)
    const c = io(true)
    const count = progress(c.io, { label: 'export', unit: 'keys' })
    count.update(42)
    count.stop()
    assert.match(c.written(), /export 42 keys/)
  })

  test('not a terminal: nothing is written', () => {
    const t = io(false)
    const bar = progress(t.io, { label: 'export', unit: 'keys', total: 10 })
    bar.update(5)
    bar.stop()
    assert.equal(t.written(), '')
  })
})

describe('a joining daemon\'s progress', () => {
  test('arcs pulled of those to pull, drawn while the node is joining, gone once it is up', async () => {
    const { showJoinProgress } = await import('../../src/cli/join-progress.js')
    const t = io(true)
    let state = 'joining'
    let arcsDone = 3
    let markUp = (): void => {}
    const upPromise = new Promise<void>(resolve => { markUp = resolve })
    // the node's status as a joining peer reports it (only status() and ready() are read)
    const node = { status: () => ({ transfer: { state, arcsDone, arcsTotal: 12 } }), ready: async () => upPromise }
    showJoinProgress(node as never, t.io)
    await new Promise(resolve => setTimeout(resolve, 700))
    arcsDone = 6
    await new Promise(resolve => setTimeout(resolve, 700))
    assert.match(t.written(), /join \[.*\] 50% \| 6 arcs of 12 arcs/)
    state = 'up'
    markUp()
    await new Promise(resolve => setTimeout(resolve, 50))
    const before = t.written().length
    await new Promise(resolve => setTimeout(resolve, 700))
    assert.equal(t.written().length, before, 'nothing drawn once up')
    const quiet = io(false)
    showJoinProgress(node as never, quiet.io)
    assert.equal(quiet.written(), '', 'not a terminal: nothing')
  })
})
