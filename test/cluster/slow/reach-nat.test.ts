/**
 * Issue 10, NAT traversal: two peers behind separate NATs (iptables
 * MASQUERADE in a router namespace each) and one public peer
 * (test/fixtures/nat-lab.ts), real daemons.
 * - The public peer serves circuit relay; each NATed peer holds a
 *   reservation on it and announces its relay address, and AutoNAT verifies
 *   the public peer's address (status: reach.reachability).
 * - With UDP between the two NATs dropped, the NATed pair is connected only
 *   through the relay (a limited connection), and a write through either
 *   reaches the other's own replica over it.
 * - Once UDP passes, the relayed connection is upgraded to a direct WebRTC
 *   one (ICE candidates from a STUN responder on the public peer's
 *   namespace): not limited, not through the relay, its ICE path the other
 *   router's public address (the hole punched in its NAT). With the public
 *   peer then killed, the pair still writes and reads with R=W=2.
 * The direct connection is WebRTC, not TCP: DCUtR (on) exchanges only the
 * peers' relay addresses here, a NATed peer having no public TCP address
 * to offer (docs/architecture.md, Reach, says why; reach-upnp.test.ts has
 * a direct TCP connection between two NATed peers, through a UPnP mapping).
 * Anti-entropy is off, so a record on the other NATed peer came there
 * through the kv protocol between the two. Every packet stays inside the
 * lab's namespaces. Needs root, `ip netns` and iptables; skipped without
 * them, and with MESHKV_SKIP_SLOW=1.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { tempDir, waitFor } from '../../fixtures/cluster.js'
import { startDaemon, stopAll } from '../../fixtures/daemon.js'
import { waitUp } from '../../fixtures/faults.js'
import { createNatLab, natLabAvailable } from '../../fixtures/nat-lab.js'
import { API_PORT, BASE, TCP_PORT, connectionsTo, get, holds, put, reach } from '../../fixtures/reach-api.js'
import type { ChildProcess } from 'node:child_process'
import type { Daemon } from '../../fixtures/daemon.js'
import type { NatLab, NatLabHost } from '../../fixtures/nat-lab.js'
import type { ReachStatus } from '../../../src/reach/reach-status.js'

const skip = process.env.MESHKV_SKIP_SLOW === '1' ? 'MESHKV_SKIP_SLOW=1' : natLabAvailable() ? false : 'needs root, ip netns and iptables'
const STUN_PORT = 3478

describe('reach: two peers behind separate NATs, relayed then direct', { skip }, () => {
  let lab: NatLab | undefined
  let stun: ChildProcess | undefined
  const dirs: string[] = []
  const daemons: Daemon[] = []
  let pub: Daemon
  let nat1: Daemon
  let nat2: Daemon

  const start = async (host: NatLabHost, config: Record<string, unknown>, bootstrap: string[]): Promise<Daemon> => {
    const dir = await tempDir('meshkv-nat-')
    dirs.push(dir)
    const d = await startDaemon({ dir, cluster: 'reach-nat', wrap: host.wrap, host: host.ip, apiHost: host.apiIp, tcpPort: TCP_PORT, apiPort: API_PORT, bootstrap, config: { ...BASE, ...config } })
    daemons.push(d)
    return d
  }

  before(async () => {
    lab = createNatLab()
    lab.blockUdpBetweenNats()
    const script = join(import.meta.dirname ?? '', '..', '..', 'fixtures', 'stun-server.js')
    stun = spawn(lab.pub.wrap[0], [...lab.pub.wrap.slice(1), process.execPath, script, lab.pub.ip, String(STUN_PORT)], { stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise<void>((resolve, reject) => {
      stun?.stdout?.once('data', () => { resolve() })
      stun?.once('exit', code => { reject(new Error(`STUN responder exited with ${code}`)) })
    })
    pub = await start(lab.pub, { relayServer: true }, [])
    // a public address is announced once AutoNAT verified it: dial the known one
    const via = [`/ip4/${lab.pub.ip}/tcp/${TCP_PORT}/p2p/${pub.peerId}`]
    const natConfig = { webrtc: true, iceServers: [`stun:${lab.pub.ip}:${STUN_PORT}`], webrtcRetryMs: 2000 }
    ;[nat1, nat2] = await Promise.all([start(lab.nat1, natConfig, via), start(lab.nat2, natConfig, via)])
    await waitUp(daemons, 3, 60_000)
  })

  after(async () => {
    // DEBUG=libp2p:* (inherited by the daemons) and MESHKV_NAT_LOGS=1 show what each peer did
    if (process.env.MESHKV_NAT_LOGS === '1') for (const d of daemons) console.log(`----- ${d.api}\n${d.logs()}`)
    stun?.kill('SIGKILL')
    await stopAll(daemons)
    lab?.destroy()
    await Promise.all(dirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
  })

  test('the NATed peers reserve on the public relay, reach each other through it and replicate over it', async () => {
    assert.ok(lab !== undefined)
    const pubReach = await reach(pub)
    assert.equal(pubReach.relayServer, true, 'the public peer serves relay')
    for (const d of [nat1, nat2]) {
      const r = await reach(d)
      assert.equal(r.relayServer, false, 'a NATed peer does not serve relay')
      assert.equal(r.reachability, 'relayed', `a NATed peer is reachable only through the relay: ${JSON.stringify(r)}`)
      assert.ok(r.relayAddrs.some(a => a.includes(`/p2p/${pub.peerId}/p2p-circuit`)), `its relay address is on the public peer: ${r.relayAddrs.join(' ')}`)
    }
    await waitFor('AutoNAT verified the public peer', async () => (await reach(pub)).reachability === 'public', 30_000, 250)
    await waitFor('a relayed connection between the NATed peers', async () => (await connectionsTo(nat1, nat2)).length > 0, 30_000, 250)
    const conns = await connectionsTo(nat1, nat2)
    // a WebRTC connection whose ICE never connected is handed up by libp2p all the same ("checking"), then aborted
    const working = (c: ReachStatus['connections'][number]): boolean => c.direct && c.checking !== true
    assert.ok(conns.some(c => !c.direct && c.addr.includes('/p2p-circuit')) && !conns.some(working), `only relayed connections while UDP is dropped: ${JSON.stringify(conns)}`)

    await put(nat1, 'from-nat1', 'relayed-1')
    await waitFor('nat2 holds the write made through nat1', async () => holds(nat2, 'from-nat1', 'relayed-1'), 10_000, 100)
    await put(nat2, 'from-nat2', 'relayed-2')
    await waitFor('nat1 holds the write made through nat2', async () => holds(nat1, 'from-nat2', 'relayed-2'), 10_000, 100)
    assert.equal(await get(nat2, 'from-nat1'), 'relayed-1')
    // large values share the one relayed connection too: three near the
    // largest a peer takes (1 MiB) cross it together, which a relay limit of
    // a few values' bytes would cut, failing them all, again and again
    const big = ['a', 'b', 'c'].map(c => c.repeat(900_000))
    await Promise.all(big.map(async (v, i) => { await put(nat1, `big-${i}`, v) }))
    await waitFor('nat2 holds the large writes made through nat1', async () => (await Promise.all(big.map(async (v, i) => holds(nat2, `big-${i}`, v)))).every(Boolean), 20_000, 250)
    const still = await connectionsTo(nat1, nat2)
    assert.ok(still.length > 0 && !still.some(working), `still relayed: ${JSON.stringify(still)}`)
  })

  test('once UDP passes, the relayed connection becomes a direct WebRTC one, which carries R=W=2 without the relay', async () => {
    assert.ok(lab !== undefined)
    const relayedSince = Math.min(...(await connectionsTo(nat1, nat2)).map(c => c.openedAt))
    const unblocked = Date.now()
    lab.unblockUdpBetweenNats()
    const working = (c: ReachStatus['connections'][number]): boolean => c.direct && c.checking !== true
    await waitFor('a direct connection between the NATed peers', async () => (await connectionsTo(nat1, nat2)).some(working), 45_000, 100)
    const direct = (await connectionsTo(nat1, nat2)).filter(working)
    // a WebRTC connection: its dialer's address names the relay it was signalled through (/p2p-circuit/webrtc), its listener's is /webrtc/p2p/<peer>; neither is a circuit
    const isWebrtc = (c: ReachStatus['connections'][number]): boolean => working(c) && c.transport === 'webrtc' && c.addr.includes('/webrtc') && !/\/p2p-circuit\/p2p\/[^/]+$/.test(c.addr)
    assert.ok(direct.every(isWebrtc), `the direct connection is WebRTC: ${JSON.stringify(direct)}`)
    // its path: straight to the other router's public address, a UDP hole in its NAT, not a relay candidate
    for (const [from, to, wan] of [[nat1, nat2, lab.wan2], [nat2, nat1, lab.wan1]] as const) {
      const paths = (await connectionsTo(from, to)).filter(working).map(c => ({ path: c.path, candidate: c.candidate }))
      assert.ok(paths.length > 0 && paths.every(p => p.path?.startsWith(`/ip4/${wan}/udp/`) === true && p.candidate !== 'relay'), `the WebRTC path goes to ${wan} over UDP: ${JSON.stringify(paths)}`)
    }
    await waitFor('the relayed connections closed', async () => {
      const both = [...await connectionsTo(nat1, nat2), ...await connectionsTo(nat2, nat1)]
      return both.length > 0 && both.every(isWebrtc)
    }, 20_000, 100)
    const directAt = Math.min(...direct.map(c => c.openedAt))
    const [path] = (await connectionsTo(nat1, nat2)).filter(working)
    console.log(`relayed -> direct: WebRTC over ${path?.path ?? '?'} (${path?.candidate ?? '?'} candidate), opened ${directAt - unblocked} ms after UDP was let through (WebRTC retry period 2000 ms); the pair was relayed for ${directAt - relayedSince} ms in all`)

    // without the relay (and the STUN responder), only the direct connection joins the pair
    pub.proc.kill('SIGKILL')
    await pub.exited
    stun?.kill('SIGKILL')
    await put(nat1, 'direct-1', 'direct-1')
    assert.equal(await get(nat2, 'direct-1'), 'direct-1')
    assert.ok(await holds(nat2, 'direct-1', 'direct-1'), 'nat2 holds its replica')
    await put(nat2, 'direct-2', 'direct-2')
    assert.equal(await get(nat1, 'direct-2'), 'direct-2')
    const after = await connectionsTo(nat1, nat2)
    assert.ok(after.length > 0 && after.every(c => c.direct), `still direct: ${JSON.stringify(after)}`)
  })
})
