/**
 * The cluster's shared parameters: every peer must place keys the same way,
 * so n, tokens per unit and the ring's hash travel in each announcement. A
 * peer that set a parameter itself refuses peers that set a different value
 * (naming the setting); a peer that did not set it adopts the value of the
 * first peer that did, and once it has accepted a member its values are
 * settled (the cluster's), so a later peer cannot talk it into others. Pure:
 * no I/O.
 */

/** The ring's hash (src/ring/hash.ts): the first 8 bytes of SHA-256. */
export const RING_HASH = 'sha256-64'

export interface ClusterParams {
  n: number
  tokensPerUnit: number
  hash: string
}

export type AdoptableSetting = 'n' | 'tokensPerUnit'

/** Parameters as a peer announces them; `set` marks the ones configured (or adopted), not defaults awaiting the cluster's. */
export interface AnnouncedParams extends ClusterParams {
  set: Record<AdoptableSetting, boolean>
}

export interface Refusal {
  setting: keyof ClusterParams
  ours: string
  theirs: string
}

export interface ParamsVerdict {
  /** both sides settled on different values: refuse the sender */
  refuse?: Refusal
  /** values this peer should take over (it runs on defaults for them) */
  adopt: Partial<Record<AdoptableSetting, number>>
  /** the sender runs on a default that differs: ignore it until it adopts ours */
  wait: boolean
}

const ADOPTABLE: readonly AdoptableSetting[] = ['n', 'tokensPerUnit']

/** What to do with an announcement carrying `theirs`, given this peer's `ours`. */
export function judgeParams (ours: AnnouncedParams, theirs: AnnouncedParams): ParamsVerdict {
  const verdict: ParamsVerdict = { adopt: {}, wait: false }
  // the hash is never configurable: a different one is another program
  if (ours.hash !== theirs.hash) return { ...verdict, refuse: { setting: 'hash', ours: ours.hash, theirs: theirs.hash } }
  for (const k of ADOPTABLE) {
    if (ours[k] === theirs[k]) continue
    if (ours.set[k] && theirs.set[k]) return { ...verdict, refuse: { setting: k, ours: String(ours[k]), theirs: String(theirs[k]) } }
    if (theirs.set[k]) verdict.adopt[k] = theirs[k]
    else verdict.wait = true
  }
  return verdict
}

export function describeRefusal (r: Refusal): string {
  return `cluster setting ${r.setting} differs: ours ${r.ours}, theirs ${r.theirs}`
}
