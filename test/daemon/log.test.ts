/** Structured logs: one JSON object a line, filtered by level. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createLog, format } from '../../src/daemon/log.js'
import { QuorumNotMetError } from '../../src/errors.js'

function capture (): { lines: () => Array<Record<string, unknown>>, sink: { write: (s: string) => void } } {
  let text = ''
  return {
    sink: { write: (s: string) => { text += s } },
    lines: () => text.split('\n').filter(l => l !== '').map(l => JSON.parse(l) as Record<string, unknown>)
  }
}

test('one JSON object per line with time, level, message and fields', () => {
  const { sink, lines } = capture()
  const log = createLog('debug', sink)
  log.info('started', { peerId: 'p1', quorums: { n: 1, r: 1, w: 1 } })
  log.debug('detail', { n: 10n })
  const [a, b] = lines()
  assert.equal(a.level, 'info')
  assert.equal(a.msg, 'started')
  assert.equal(a.peerId, 'p1')
  assert.deepEqual(a.quorums, { n: 1, r: 1, w: 1 })
  assert.equal(new Date(a.t as string).toISOString(), a.t)
  assert.equal(b.n, '10', 'bigints are written as strings')
})

test('levels below the configured one are dropped', () => {
  const { sink, lines } = capture()
  const log = createLog('warn', sink)
  log.debug('d')
  log.info('i')
  log.warn('w')
  log.error('e')
  assert.deepEqual(lines().map(l => l.level), ['warn', 'error'])
})

test('errors keep their name, code and message; fields cannot overwrite t, level or msg', () => {
  const err = new QuorumNotMetError('put k', { required: 2, received: 1, answered: ['a'], failed: [] })
  const line = JSON.parse(format('error', 'failed', { err, msg: 'sneaky', level: 'debug' })) as Record<string, unknown>
  assert.equal(line.msg, 'failed')
  assert.equal(line.level, 'error')
  assert.equal(line.field_msg, 'sneaky')
  assert.deepEqual(line.err, { name: 'QuorumNotMetError', code: 'ERR_QUORUM_NOT_MET', message: err.message })
})

test('a circular field does not lose the line', () => {
  const loop: Record<string, unknown> = {}
  loop.self = loop
  const line = JSON.parse(format('info', 'odd', { loop })) as Record<string, unknown>
  assert.equal(line.msg, 'odd')
  assert.match(String(line.logError), /circular/i)
})
