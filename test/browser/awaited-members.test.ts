/**
 * What a starting tab waits to hear (src/browser/awaited-members.ts): each
 * member the page named, itself aside.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { heardAll } from '../../src/browser/awaited-members.js'

test('a tab waits for every member the page named, up in its view', () => {
  assert.equal(heardAll([{ id: 'daemon', state: 'up' }], 'tab', ['daemon', 'other-tab']), false)
  assert.equal(heardAll([{ id: 'daemon', state: 'up' }, { id: 'other-tab', state: 'joining' }], 'tab', ['daemon', 'other-tab']), false)
  assert.equal(heardAll([{ id: 'daemon', state: 'up' }, { id: 'other-tab', state: 'up' }], 'tab', ['daemon', 'other-tab']), true)
  assert.equal(heardAll([], 'tab', []), true, 'a page that names nobody waits for nobody')
})

test('a reloaded member tab, which the page names itself, waits only for the others', () => {
  // served while its old incarnation was still up: the daemon counted it
  assert.equal(heardAll([{ id: 'tab', state: 'joining' }, { id: 'daemon', state: 'up' }], 'tab', ['daemon', 'tab']), true)
})

test('a member the tab heard of but that is down or suspect is not heard', () => {
  assert.equal(heardAll([{ id: 'daemon', state: 'up' }, { id: 'closed-tab', state: 'down' }], 'tab', ['daemon', 'closed-tab']), false)
  assert.equal(heardAll([{ id: 'daemon', state: 'suspect' }], 'tab', ['daemon']), false)
})
