/**
 * What reaches the browser bundle (dist/web/app.js, `npm run build`): only
 * what a tab runs. package.json's `browser` field swaps Node's parts out
 * (transports, reach services, mDNS, the DHT, OTLP span export); a change
 * that imports one of them statically again shows up here, not only as a
 * bigger download.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

const BUNDLE = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..', 'web', 'app.js')

test('the bundle holds no Node-only part: no DHT, no span exporter, no LevelDB, no mDNS, no TCP', async () => {
  const js = await readFile(BUNDLE, 'utf8')
  // a string each of those packages carries (log names, class names), which minifying keeps
  const absent: Record<string, string> = {
    '@libp2p/kad-dht': 'kad-dht',
    '@opentelemetry/sdk-trace-base': 'BatchSpanProcessor',
    'classic-level (LevelDB)': 'classic-level',
    '@libp2p/mdns': 'libp2p:mdns',
    '@libp2p/tcp': 'libp2p:tcp',
    '@libp2p/upnp-nat': 'libp2p:upnp-nat',
    '@libp2p/autonat': 'libp2p:auto-nat'
  }
  const found = Object.entries(absent).filter(([, marker]) => js.includes(marker)).map(([pkg]) => pkg)
  assert.deepEqual(found, [], `in the browser bundle: ${found.join(', ')}`)
  // and what a tab needs is there
  for (const marker of ['libp2p:webrtc', 'libp2p:websockets', 'level-js-']) assert.ok(js.includes(marker), `no ${marker} in the bundle`)
})

test('the bundle stays under 1 MiB (900 KiB when the DHT and the span exporter were swapped out; 1114 KiB with them)', async () => {
  const { byteLength } = await readFile(BUNDLE)
  assert.ok(byteLength < 1024 * 1024, `dist/web/app.js is ${(byteLength / 1024).toFixed(0)} KiB`)
})
