/**
 * Request ids and W3C trace context from outside (HTTP clients, other
 * peers) are checked, bounded and never thrown on; the metrics registry
 * renders an exposition a strict reader accepts.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { MAX_REQUEST_ID_CHARS, newRequestId, parseTraceparent, traceFromWire, validRequestId } from '../../src/observability/request-trace.js'
import { MetricsRegistry } from '../../src/metrics.js'
import { parseExposition } from '../fixtures/prometheus-text.js'

const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'

describe('request ids and traceparents', () => {
  test('a fresh id is 32 hex characters and valid', () => {
    const id = newRequestId()
    assert.match(id, /^[0-9a-f]{32}$/)
    assert.equal(validRequestId(id), id)
    assert.notEqual(newRequestId(), id)
  })

  test('ids that are too long, empty, or hold other characters are refused', () => {
    assert.equal(validRequestId('a'.repeat(MAX_REQUEST_ID_CHARS)), 'a'.repeat(MAX_REQUEST_ID_CHARS))
    for (const bad of ['', 'a'.repeat(MAX_REQUEST_ID_CHARS + 1), 'a b', 'a\nb', 'a"b', '\u00e9', 'x'.repeat(100_000), 42, undefined, null]) {
      assert.equal(validRequestId(bad), undefined, JSON.stringify(bad)?.slice(0, 40))
    }
  })

  test('traceparent: version 00 with non-zero ids only', () => {
    assert.deepEqual(parseTraceparent(TP), { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', flags: 1 })
    for (const bad of [
      '', TP.toUpperCase(), TP + '-', `01${TP.slice(2)}`,
      '00-00000000000000000000000000000000-b7ad6b7169203331-01',
      '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01',
      TP.replace('-01', '-1'), 'x'.repeat(55), TP.repeat(1000)
    ]) assert.equal(parseTraceparent(bad), undefined, bad.slice(0, 60))
  })

  test('from the wire: a bad id or traceparent is dropped, a good one kept', () => {
    assert.deepEqual(traceFromWire('req-1', TP), { requestId: 'req-1', traceparent: TP })
    assert.deepEqual(traceFromWire('x'.repeat(10_000), TP), { requestId: undefined, traceparent: TP })
    assert.deepEqual(traceFromWire('req-1', 'garbage'), { requestId: 'req-1', traceparent: undefined })
    assert.equal(traceFromWire('', ''), undefined)
    assert.equal(traceFromWire('\u0000\n"', 'nope'), undefined)
  })

  test('property: any strings from a peer give a bounded, well-formed trace or none, and never throw', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 300 }), (id, tp) => {
      const t = traceFromWire(id, tp)
      if (t === undefined) return
      if (t.requestId !== undefined) assert.ok(t.requestId.length <= MAX_REQUEST_ID_CHARS && /^[A-Za-z0-9._:-]+$/.test(t.requestId))
      if (t.traceparent !== undefined) assert.ok(parseTraceparent(t.traceparent) !== undefined)
    }), { numRuns: 2000 })
  })
})

describe('the registry\'s exposition', () => {
  test('counters, histograms and gauges parse strictly, with their values', () => {
    const m = new MetricsRegistry()
    m.describe('meshkv_x_total', 'a help text with a \\ backslash\nand a newline')
    m.inc('meshkv_x_total', { op: 'put', why: 'a "quoted"\nvalue\\' }, 2)
    m.inc('meshkv_x_total')
    for (const ms of [0.1, 3, 3, 700, 20_000]) m.observe('meshkv_lat_ms', { op: 'get' }, ms)
    m.gauge('meshkv_phi', 'phi', () => [[{ peer: 'a' }, Infinity], [{ peer: 'b' }, 1.5], [{ peer: 'b' }, 2]])
    const families = parseExposition(m.render())
    assert.equal(families.get('meshkv_x_total')?.type, 'counter')
    assert.equal(families.get('meshkv_x_total')?.samples.length, 2)
    const h = families.get('meshkv_lat_ms')
    assert.equal(h?.type, 'histogram')
    const bucket = (le: string): number | undefined => h?.samples.find(s => s.name === 'meshkv_lat_ms_bucket' && s.labels.le === le)?.value
    assert.equal(bucket('0.25'), 1)
    assert.equal(bucket('5'), 3)
    assert.equal(bucket('1000'), 4)
    assert.equal(bucket('+Inf'), 5)
    const phi = families.get('meshkv_phi')
    assert.equal(phi?.type, 'gauge')
    assert.deepEqual(phi?.samples.map(s => [s.labels.peer, s.value]), [['a', Infinity], ['b', 1.5]])
  })

  test('a name used by two kinds of metric, or not a Prometheus name, still gives a valid exposition', () => {
    const m = new MetricsRegistry()
    m.inc('meshkv_same')
    m.observe('meshkv_same', {}, 1)
    m.gauge('meshkv_same', 'again', () => [[{}, 1]])
    m.inc('bad name-with spaces')
    m.gauge('meshkv_broken', 'a source that throws', () => { throw new Error('stopped') })
    const families = parseExposition(m.render())
    assert.equal(families.get('meshkv_same')?.type, 'counter')
    assert.equal(families.has('meshkv_broken'), false)
  })

  test('scrape() runs the refresh hooks before rendering', async () => {
    const m = new MetricsRegistry()
    let v = 0
    m.gauge('meshkv_refreshed', 'set by a hook', () => [[{}, v]])
    const off = m.onScrape(async () => { v = 7 })
    assert.match(await m.scrape(), /^meshkv_refreshed 7$/m)
    off()
    v = 1
    assert.match(await m.scrape(), /^meshkv_refreshed 1$/m)
  })

  test('onObserve: a listener hears each observation of its histogram only, until removed', () => {
    const m = new MetricsRegistry()
    const heard: Array<[Record<string, string>, number]> = []
    const off = m.onObserve('meshkv_client_ms', (labels, ms) => { heard.push([labels, ms]) })
    m.observe('meshkv_client_ms', { op: 'put', outcome: 'ok' }, 3)
    m.observe('meshkv_internal_ms', { op: 'get', outcome: 'ok' }, 4)
    off()
    m.observe('meshkv_client_ms', { op: 'get', outcome: 'ok' }, 5)
    assert.deepEqual(heard, [[{ op: 'put', outcome: 'ok' }, 3]])
    assert.match(m.render(), /^meshkv_client_ms_count\{op="get",outcome="ok"\} 1$/m)
  })

  test('the strict reader refuses what a scraper would', () => {
    const bad = [
      '# HELP a x\n# HELP a y\na 1\n',
      '# TYPE a counter\na 1\na 2\n',
      'a 1\nb 1\na 2\n',
      'a{l="x} 1\n',
      'a Infinity\n',
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
      'a 1'
    ]
    for (const text of bad) assert.throws(() => parseExposition(text), Error, text)
  })
})
