/**
 * A member tab that is closed leaves as a stopped daemon does: it says so
 * as the page goes away, so the daemon takes it out of its members at once
 * (not after its failure detector ran out, seconds later) and a page it
 * serves next does not name it: a tab opened then does not wait out its
 * 5 s bound for a member that is gone.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { waitFor } from '../fixtures/cluster.js'
import { chromiumSkip, startWebLab } from '../fixtures/browser.js'
import type { Browser } from 'playwright-core'
import type { Daemon } from '../fixtures/daemon.js'
import type { PageMeshkv, WebLab } from '../fixtures/browser.js'

declare const window: { meshkv: PageMeshkv }
declare const document: { getElementById: (id: string) => { textContent: string } | null }

interface MemberInfo { peerId: string, state: string }

async function membersUp (daemon: Daemon): Promise<string[]> {
  const body = await (await fetch(`${daemon.api}/members`)).json() as { members: MemberInfo[] }
  return body.members.filter(m => m.state === 'up').map(m => m.peerId)
}

describe('a member tab closed', { skip: chromiumSkip() }, () => {
  let lab: WebLab | undefined
  let daemon: Daemon
  let browser: Browser

  before(async () => {
    // probes every 2 s: the daemon's failure detector alone takes several seconds to stop counting a silent tab as up
    lab = await startWebLab('browser-closed', { n: 1, heartbeatMs: 2000, memberTimeoutMs: 6000 })
    ;({ daemon, browser } = lab)
  })

  after(async () => { await lab?.close() })

  test('is out of the daemon\'s members at once, and the next tab does not wait for it', async () => {
    const member = await (await browser.newContext()).newPage()
    await member.goto(`${daemon.api}/app?capacity=1`)
    await member.evaluate(async () => { await window.meshkv.ready })
    const id = await member.evaluate(() => window.meshkv.peerId)
    await waitFor('the daemon has the member tab up', async () => (await membersUp(daemon)).includes(id), 20_000, 100)
    const closed = Date.now()
    await member.close()
    // within one probe period of the daemon's: only the tab's own word can say so that soon
    await waitFor('the daemon no longer has the closed tab up', async () => !(await membersUp(daemon)).includes(id), 1_500, 50)
    const gone = Date.now() - closed
    const next = await (await browser.newContext()).newPage()
    const start = Date.now()
    await next.goto(`${daemon.api}/app`)
    const named = await next.evaluate(() => (JSON.parse(document.getElementById('meshkv-config')?.textContent ?? '{}') as { members?: string[] }).members ?? [])
    assert.ok(!named.includes(id), 'the page served after the close does not name the closed tab')
    await next.evaluate(async () => { await window.meshkv.ready })
    console.log(`# closed tab out of the daemon's members after ${gone} ms; next tab ready after ${Date.now() - start} ms`)
  })
})
