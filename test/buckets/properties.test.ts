/** Bucket properties, the catalog's sibling rule, usage records and the quota check (pure). */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { decodeCatalog, encodeCatalog, mergeCatalogs, validateSettings } from '../../src/buckets/properties.js'
import { decodeUsage, encodeUsage, latestUsage, sumUsage } from '../../src/buckets/usage.js'
import { checkQuota } from '../../src/buckets/quota.js'
import { InvalidBucketError, QuotaExceededError } from '../../src/errors.js'
import type { BucketProps, Catalog } from '../../src/buckets/properties.js'

const catalog = (...entries: BucketProps[]): Catalog => new Map(entries.map(e => [e.name, e]))

test('settings: n within the cluster\'s n, r and w within the bucket\'s n, quotas positive, unknown keys refused', () => {
  assert.deepEqual(validateSettings({ n: 2, r: 1, w: 2, maxKeys: 10 }, 3), { n: 2, r: 1, w: 2, maxKeys: 10 })
  assert.deepEqual(validateSettings({}, 3), {})
  for (const bad of [{ n: 4 }, { n: 0 }, { n: 2, r: 3 }, { w: 4 }, { maxKeys: 0 }, { maxBytes: -1 }, { maxKeys: 1.5 }, { n: '2' }, { colour: 'red' }, [], null, 'x']) {
    assert.throws(() => validateSettings(bad, 3), InvalidBucketError, JSON.stringify(bad))
  }
})

test('catalog round trip; garbage from a peer reads as an empty or partial catalog, never throws', () => {
  const c = catalog({ name: 'a', n: 2, updated: 5 }, { name: 'b', maxKeys: 3, updated: 7 })
  assert.deepEqual(decodeCatalog(encodeCatalog(c)), c)
  for (const junk of ['', 'nope', '[]', '{"buckets":3}', '{"buckets":{"Bad":{"updated":1}}}', '{"buckets":{"a":{"updated":"x"}}}', '{"buckets":{"a":{"n":-1,"updated":1}}}']) {
    assert.equal(decodeCatalog(new TextEncoder().encode(junk)).size, 0, junk)
  }
  const partial = decodeCatalog(new TextEncoder().encode('{"buckets":{"ok":{"updated":1},"bad":{"updated":1,"maxKeys":0}}}'))
  assert.deepEqual([...partial.keys()], ['ok'])
})

test('concurrent catalogs merge to the union, the later update winning per bucket, whatever the order', () => {
  const entry = fc.record({
    name: fc.constantFrom('a', 'b', 'c'),
    n: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    maxKeys: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
    updated: fc.integer({ min: 0, max: 5 })
  }).map(e => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as unknown as BucketProps)
  const sibling = fc.array(entry, { maxLength: 4 }).map(es => catalog(...es))
  fc.assert(fc.property(fc.array(sibling, { minLength: 1, maxLength: 4 }), siblings => {
    const merged = mergeCatalogs(siblings)
    const reversed = mergeCatalogs([...siblings].reverse())
    assert.deepEqual(encodeCatalog(merged), encodeCatalog(reversed))
    for (const s of siblings) {
      for (const [name, e] of s) assert.ok((merged.get(name)?.updated ?? -1) >= e.updated)
    }
    assert.deepEqual(encodeCatalog(mergeCatalogs([merged, merged])), encodeCatalog(merged))
  }))
  const merged = mergeCatalogs([catalog({ name: 'a', maxKeys: 1, updated: 1 }), catalog({ name: 'a', maxKeys: 9, updated: 2 }, { name: 'b', updated: 1 })])
  assert.equal(merged.get('a')?.maxKeys, 9)
  assert.ok(merged.has('b'))
})

test('usage records: the latest sibling wins, sums add up per bucket, junk is no usage', () => {
  const r1 = { at: 1, buckets: { a: { keys: 2, bytes: 10 } } }
  const r2 = { at: 2, buckets: { a: { keys: 3, bytes: 12 }, b: { keys: 1, bytes: 1 } } }
  assert.deepEqual(decodeUsage(encodeUsage(r2)), r2)
  assert.equal(latestUsage([r1, r2, undefined]), r2)
  assert.deepEqual(sumUsage([r1, r2]).get('a'), { keys: 5, bytes: 22 })
  assert.equal(decodeUsage(new TextEncoder().encode('{"at":"x"}')), undefined)
  assert.deepEqual(decodeUsage(new TextEncoder().encode('{"at":1,"buckets":{"a":{"keys":-1,"bytes":0}}}'))?.buckets, {})
})

test('quota check: max-keys refuses a new key at the limit but lets an existing key be overwritten; max-bytes counts the value', async () => {
  const props: BucketProps = { name: 'q', maxKeys: 2, maxBytes: 100, updated: 1 }
  await checkQuota(props, { keys: 1, bytes: 0 }, 10, async () => { throw new Error('not asked below the limit') })
  await assert.rejects(checkQuota(props, { keys: 2, bytes: 0 }, 10, async () => false), (err: Error) =>
    err instanceof QuotaExceededError && err.code === 'ERR_QUOTA' && err.detail.quota === 'max-keys' && err.detail.limit === 2 && err.detail.usage === 2 && /max-keys.*limit 2, usage 2/.test(err.message))
  await checkQuota(props, { keys: 2, bytes: 0 }, 10, async () => true)
  await assert.rejects(checkQuota(props, { keys: 0, bytes: 95 }, 10, async () => false), (err: Error) =>
    err instanceof QuotaExceededError && err.detail.quota === 'max-bytes' && err.detail.limit === 100 && err.detail.usage === 95)
})
