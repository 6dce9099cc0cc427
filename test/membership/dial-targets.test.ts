import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { DialTargets } from '../../src/membership/dial-targets.js'
import { watchSet } from '../../src/membership/watch-set.js'

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `peer-${String(i).padStart(4, '0')}`)

describe('DialTargets', () => {
  test('with no more members than the limit, every other member is dialed', () => {
    const all = ids(5)
    assert.deepEqual(new DialTargets(all[2]).pick(all, 8).sort(), all.filter(id => id !== all[2]))
  })

  test('past the limit, each peer picks exactly limit others and never itself', () => {
    const all = ids(50)
    for (const self of all) {
      const picked = new DialTargets(self).pick(all, 8)
      assert.equal(picked.length, 8)
      assert.equal(new Set(picked).size, 8)
      assert.ok(!picked.includes(self))
    }
  })

  test('the pick does not depend on the order of the view', () => {
    const all = ids(100)
    const t = new DialTargets(all[7])
    assert.deepEqual(t.pick(all, 10), t.pick([...all].reverse(), 10))
  })

  test('no member becomes a hub: in-degrees stay near the limit', () => {
    const n = 200
    const limit = 8
    const all = ids(n)
    const inDegree = new Map<string, number>()
    for (const self of all) for (const id of new DialTargets(self).pick(all, limit)) inDegree.set(id, (inDegree.get(id) ?? 0) + 1)
    const max = Math.max(...inDegree.values())
    // "first k by id" would give the lowest id an in-degree of n - 1 = 199
    assert.ok(max <= 3 * limit, `max in-degree ${max}`)
    assert.ok(inDegree.size > n / 2, `${inDegree.size} members are dialed by someone`)
  })

  test('a member that leaves the view is replaced, and the rest of the pick stays', () => {
    const all = ids(40)
    const t = new DialTargets(all[0])
    const before = t.pick(all, 6)
    const gone = before[0]
    const rest = all.filter(id => id !== gone)
    t.retain(rest)
    const after = t.pick(rest, 6)
    assert.ok(!after.includes(gone))
    assert.deepEqual(after.slice(0, 5), before.slice(1))
  })
})

describe('DialTargets.due', () => {
  test('exactly one side of each pair dials first', () => {
    const all = ids(30)
    for (const a of all) {
      for (const b of all) {
        if (a === b) continue
        assert.notEqual(new DialTargets(a).dialsFirst(b), new DialTargets(b).dialsFirst(a), `${a} ${b}`)
      }
    }
  })

  test('the first side dials at once; the other waits its patience, then dials too', () => {
    const [a, b] = ids(2)
    const first = new DialTargets(a).dialsFirst(b) ? a : b
    const second = first === a ? b : a
    const none = new Set<string>()
    const f = new DialTargets(first, 2)
    const s = new DialTargets(second, 2)
    assert.deepEqual(f.due([a, b], none, 8), [second])
    assert.deepEqual(s.due([a, b], none, 8), [])
    assert.deepEqual(s.due([a, b], none, 8), [])
    assert.deepEqual(s.due([a, b], none, 8), [first])
  })

  test('a connected member is not dialed, and its wait starts over', () => {
    const [a, b] = ids(2)
    const second = new DialTargets(a).dialsFirst(b) ? b : a
    const other = second === a ? b : a
    const t = new DialTargets(second, 1)
    assert.deepEqual(t.due([a, b], new Set(), 8), [])
    assert.deepEqual(t.due([a, b], new Set([other]), 8), [])
    assert.deepEqual(t.due([a, b], new Set(), 8), [])
    assert.deepEqual(t.due([a, b], new Set(), 8), [other])
  })
})

describe('connections a peer keeps', () => {
  test('its ring neighbours and its picks: about 2 x (4 + limit) a peer at any size, not a full mesh', () => {
    for (const n of [10, 50, 200]) {
      const all = ids(n)
      const pairs = new Set<string>()
      for (const self of all) {
        const t = new DialTargets(self)
        const neighbours = watchSet(self, all, 0, { neighbours: 2, random: 0 })
        // every target, as if none were connected and each side had waited its patience
        for (let round = 0; round < 5; round++) for (const id of t.due(all, new Set(), 6, neighbours)) pairs.add([self, id].sort().join('|'))
      }
      const perPeer = 2 * pairs.size / n
      assert.ok(perPeer <= Math.min(n - 1, 2 * (4 + 6)), `${n} peers: ${perPeer} connections a peer`)
    }
  })

  test('neighbours outside the view are not dialed, nor self', () => {
    const all = ids(20)
    const t = new DialTargets(all[0])
    const due = t.due(all.slice(0, 10), new Set(), 2, [all[0], all[15], all[3]])
    assert.ok(!due.includes(all[0]) && !due.includes(all[15]))
  })
})
