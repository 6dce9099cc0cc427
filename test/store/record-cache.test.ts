/**
 * encodeRecord answers from a cache keyed by the record object, which is
 * only right while no record (nor its entries, values arrays or siblings) is
 * changed once built. Over random histories of what a replica does to a
 * key's record (client writes as coordinatePut makes them, replicas'
 * syncs, pruning, reads back from the store, a peer's copy), every record
 * built along the way must still encode, from the cache, to what a fresh
 * encoding of it gives at the end: a record changed after it was encoded
 * would be stored or sent as stale bytes (a lost or resurrected write).
 */
import '../../src/shim.js'
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { decodeOwnRecord, decodeRecord, encodeRecord, isEncodingOf, siblingEquals, supersedeOtherMints } from '../../src/store/record.js'
import { empty, join, newWithContext, pruneRetired, sync, updateWith, mintingActor, values } from '../../src/version/index.js'
import { supersededBy, withContextWrites, contextWrites } from '../../src/store/superseded.js'
import { mergeReplies } from '../../src/coordinator/coordinator.js'
import type { KvRecord, RecordLimits, Sibling } from '../../src/store/record.js'

const LIMITS: RecordLimits = { maxValueBytes: 64 }

/** an encoding made now, not from the cache: a deep copy is a record the cache has never seen */
function freshEncode (r: KvRecord): Uint8Array {
  return encodeRecord(structuredClone(r))
}

type Op =
  | { kind: 'put', replica: number, value: number | null, writeId: number | undefined, stale: boolean }
  | { kind: 'sync', from: number, to: number }
  | { kind: 'reload', replica: number }
  | { kind: 'read', replicas: number[] }

const REPLICAS = 3
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), replica: fc.nat(REPLICAS - 1), value: fc.option(fc.nat(5)), writeId: fc.option(fc.nat(3), { nil: undefined }), stale: fc.boolean() }),
  fc.record({ kind: fc.constant('sync' as const), from: fc.nat(REPLICAS - 1), to: fc.nat(REPLICAS - 1) }),
  fc.record({ kind: fc.constant('reload' as const), replica: fc.nat(REPLICAS - 1) }),
  fc.record({ kind: fc.constant('read' as const), replicas: fc.uniqueArray(fc.nat(REPLICAS - 1), { minLength: 1, maxLength: REPLICAS }) })
)

function writeId (n: number): Uint8Array {
  const id = new Uint8Array(16)
  id[0] = n + 1
  return id
}

/** coordinatePut's record step (src/coordinator/replica.ts), over a replica's current record */
function put (current: KvRecord | undefined, context: KvRecord | undefined, sibling: Sibling, actor: string): KvRecord {
  const base = current ?? empty<Sibling>()
  const ctx = context === undefined ? [] : join(context)
  const mint = mintingActor(current, actor, () => new Uint8Array([1, 2, 3, 4]))
  let next = updateWith(newWithContext(ctx, sibling), base, mint, siblingEquals)
  const supersedes = withContextWrites(supersededBy(current, next), contextWrites(context))
  if (supersedes.length > 0) next = updateWith(newWithContext(ctx, { ...sibling, supersedes }), base, mint, siblingEquals)
  return pruneRetired(supersedeOtherMints(current, next), mint, 2)
}

describe('the record encoding cache', () => {
  test('every record built over a random history still encodes to a fresh encoding of itself', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), ops => {
      const state: Array<KvRecord | undefined> = new Array(REPLICAS).fill(undefined)
      const built: KvRecord[] = []
      const cached = new Map<KvRecord, Uint8Array>()
      const keep = (r: KvRecord | undefined): void => {
        if (r === undefined) return
        built.push(r)
        // encoded as soon as it is made, as the store does before writing it
        if (!cached.has(r)) cached.set(r, encodeRecord(r).slice())
      }
      let clock = 1
      for (const o of ops) {
        if (o.kind === 'put') {
          const current = state[o.replica]
          const context = o.stale ? undefined : current
          const sibling: Sibling = { value: o.value === null ? null : new Uint8Array([o.value]), timestamp: clock++ }
          if (o.writeId !== undefined) sibling.writeId = writeId(o.writeId)
          state[o.replica] = put(current, context, sibling, `peer${o.replica}.e1`)
        } else if (o.kind === 'sync') {
          const from = state[o.from]
          if (from === undefined) continue
          // as a peer receives it: decoded from the bytes sent
          const received = decodeRecord(encodeRecord(from), LIMITS)
          keep(received)
          const current = state[o.to]
          state[o.to] = pruneRetired(current === undefined ? received : sync(current, received, siblingEquals), `peer${o.to}.e1`, 2)
        } else if (o.kind === 'reload') {
          const r = state[o.replica]
          if (r === undefined) continue
          state[o.replica] = decodeOwnRecord(encodeRecord(r), LIMITS)
        } else {
          const replies = o.replicas.map(i => state[i])
          const own = replies[0]
          // a reply byte-equal to the coordinator's own record becomes that record
          const answered = replies.map(r => r === undefined ? undefined : own !== undefined && isEncodingOf(encodeRecord(r), own) ? own : decodeRecord(encodeRecord(r), LIMITS))
          keep(mergeReplies(answered))
        }
        for (const r of state) keep(r)
      }
      for (const r of built) {
        assert.deepEqual(encodeRecord(r), freshEncode(r), 'the cached encoding is the record\'s encoding')
        assert.deepEqual(encodeRecord(r), cached.get(r), 'a record encoded once is not changed since')
        assert.deepEqual(decodeRecord(encodeRecord(r), LIMITS), decodeRecord(freshEncode(r), LIMITS))
        for (const s of values(r)) assert.ok(s.value === null || s.value.byteLength === 1)
      }
    }), { numRuns: 300 })
  })

  test('bytes that are a record\'s encoding decode to that record', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 20 }), ops => {
      let r: KvRecord | undefined
      let clock = 1
      for (const o of ops) {
        if (o.kind !== 'put') continue
        r = put(r, o.stale ? undefined : r, { value: o.value === null ? null : new Uint8Array([o.value]), timestamp: clock++ }, `peer${o.replica}.e1`)
      }
      if (r === undefined) return
      const other = decodeRecord(freshEncode(r), LIMITS)
      assert.ok(isEncodingOf(freshEncode(r), r))
      assert.deepEqual(other, decodeRecord(encodeRecord(r), LIMITS))
    }), { numRuns: 200 })
  })
})
