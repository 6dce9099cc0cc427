/**
 * Issue 10, UPnP: behind a router that runs miniupnpd (test/fixtures/nat-lab.ts,
 * `upnp: [1]`), a daemon with `upnp: true` maps its listening port, announces
 * the router's public address as its own, and counts as publicly reachable;
 * a daemon behind another NAT (no UPnP) then connects to it directly over
 * TCP at that address, and each one's write reaches the other's replica.
 * Anti-entropy is off. Needs root, `ip netns`, iptables, nft and miniupnpd
 * (nftables backend); skipped without them, and with MESHKV_SKIP_SLOW=1.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { tempDir, waitFor } from '../../fixtures/cluster.js'
import { startDaemon, stopAll } from '../../fixtures/daemon.js'
import { waitUp } from '../../fixtures/faults.js'
import { createNatLab, upnpAvailable } from '../../fixtures/nat-lab.js'
import { API_PORT, BASE, TCP_PORT, addrsOf, connectionsTo, holds, put, reach } from '../../fixtures/reach-api.js'
import type { Daemon } from '../../fixtures/daemon.js'
import type { NatLab, NatLabHost } from '../../fixtures/nat-lab.js'
import type { ReachStatus } from '../../../src/reach/reach-status.js'

const skip = process.env.MESHKV_SKIP_SLOW === '1' ? 'MESHKV_SKIP_SLOW=1' : upnpAvailable() ? false : 'needs root, ip netns, iptables, nft and miniupnpd (nftables backend)'

describe('reach: a peer behind a UPnP router, reached directly over TCP from behind another NAT', { skip }, () => {
  let lab: NatLab | undefined
  const dirs: string[] = []
  const daemons: Daemon[] = []

  const start = async (host: NatLabHost, config: Record<string, unknown>, bootstrap: string[]): Promise<Daemon> => {
    const dir = await tempDir('meshkv-upnp-')
    dirs.push(dir)
    const d = await startDaemon({ dir, cluster: 'reach-upnp', wrap: host.wrap, host: host.ip, apiHost: host.apiIp, tcpPort: TCP_PORT, apiPort: API_PORT, bootstrap, config: { ...BASE, ...config } })
    daemons.push(d)
    return d
  }

  after(async () => {
    if (process.env.MESHKV_NAT_LOGS === '1') for (const d of daemons) console.log(`----- ${d.api}\n${d.logs()}`)
    await stopAll(daemons)
    lab?.destroy()
    await Promise.all(dirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
  })

  test('the UPnP peer announces the router\'s public address, and the other NATed peer dials it there', async () => {
    lab = createNatLab({ upnp: [1] })
    const wan1 = lab.wan1
    const pub = await start(lab.pub, { relayServer: true }, [])
    const via = [`/ip4/${lab.pub.ip}/tcp/${TCP_PORT}/p2p/${pub.peerId}`]
    const started = Date.now()
    const nat1 = await start(lab.nat1, { upnp: true }, via)
    const mapped = `/ip4/${wan1}/tcp/${TCP_PORT}/p2p/${nat1.peerId}`
    await waitFor('the UPnP peer announces its mapping', async () => (await addrsOf(nat1)).includes(mapped), 30_000, 250)
    const mappedIn = Date.now() - started
    assert.equal((await reach(nat1)).reachability, 'public', 'a mapped address counts as public')
    const nat2 = await start(lab.nat2, {}, via)
    const nat2Started = Date.now()
    await waitUp(daemons, 3, 30_000)
    const direct = (c: ReachStatus['connections'][number]): boolean => c.transport === 'tcp' && c.addr.startsWith(`/ip4/${wan1}/tcp/${TCP_PORT}`)
    await waitFor('a direct TCP connection from the other NATed peer to the mapped address', async () => (await connectionsTo(nat2, nat1)).some(direct), 30_000, 250)
    const conns = await connectionsTo(nat2, nat1)
    console.log(`UPnP: mapped and announced ${mappedIn} ms after the peer started; the other NATed peer connected to ${conns.find(direct)?.addr ?? '?'} (tcp) ${Date.now() - nat2Started} ms after it started`)
    await put(nat2, 'upnp-2', 'from-nat2')
    await waitFor('the UPnP peer holds the write made through the other', async () => holds(nat1, 'upnp-2', 'from-nat2'), 10_000, 100)
    await put(nat1, 'upnp-1', 'from-nat1')
    await waitFor('the other holds the write made through the UPnP peer', async () => holds(nat2, 'upnp-1', 'from-nat1'), 10_000, 100)
  })
})
