// The browser bundle: dist/src/browser/app.js (tsc's output) and all it
// imports, for a browser, into dist/web/app.js. package.json's `browser`
// field swaps in transports.browser.js and shim.browser.js (and level's
// own swaps browser-level in for classic-level).
import { build } from 'esbuild'
import { statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const outfile = join(root, 'dist', 'web', 'app.js')
await build({
  entryPoints: [join(root, 'dist', 'src', 'browser', 'app.js')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'chrome120',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  // abstract-level (under browser-level) requires Node's `events`
  alias: { events: join(root, 'dist', 'src', 'browser', 'event-emitter.js') },
  define: { 'process.env.NODE_DEBUG': 'undefined', global: 'globalThis' }
})
const kb = (statSync(outfile).size / 1024).toFixed(0)
console.log(`browser bundle: dist/web/app.js, ${kb} KiB`)
