/**
 * The admission a node starts with, from its options: none (an open
 * cluster), the cluster key (the peer certifies itself), or a certificate
 * (whose cluster key it names). A certificate that is not this peer's, is
 * for another cluster or has expired stops the start with a clear error.
 */
import { InvalidArgumentError } from '../errors.js'
import { Admission } from './admission.js'
import { certificateClusterKey, issueCertificate, verifyCertificate } from './certificate.js'
import { clusterKeyId } from './cluster-key.js'
import type { Datastore } from 'interface-datastore'
import type { Logger, PrivateKey } from '@libp2p/interface'
import type { MetricsRegistry } from '../metrics.js'

export interface AdmissionOptions {
  /** the cluster key: this peer certifies itself with it (and may check revocations made with it) */
  clusterKey?: PrivateKey
  /** this peer's membership certificate, signed by the cluster key (`meshkv cluster invite`) */
  certificate?: Uint8Array
}

export interface AdmissionContext {
  selfId: string
  cluster: string
  datastore: Datastore
  log: Logger
  metrics: MetricsRegistry
}

export async function createAdmission (o: AdmissionOptions, ctx: AdmissionContext): Promise<Admission> {
  const base = { cluster: ctx.cluster, datastore: ctx.datastore, log: ctx.log, metrics: ctx.metrics }
  if (o.clusterKey === undefined && o.certificate === undefined) return new Admission(base)
  const clusterKey = o.clusterKey?.publicKey ?? certificateClusterKey(o.certificate as Uint8Array)
  if (clusterKey === undefined) throw new InvalidArgumentError('the certificate is malformed: it names no cluster key')
  let certificate = o.certificate
  if (certificate !== undefined) {
    const verdict = await verifyCertificate(certificate, { clusterKey, peer: ctx.selfId, cluster: ctx.cluster })
    if (!verdict.ok) {
      const whose = o.clusterKey !== undefined ? ` (the cluster key given is ${clusterKeyId(clusterKey)})` : ''
      throw new InvalidArgumentError(`this peer's certificate cannot be used: ${verdict.reason}${whose}; get one with \`meshkv cluster invite ${ctx.selfId} --key FILE --out CERT\``)
    }
  } else {
    certificate = await issueCertificate(o.clusterKey as PrivateKey, { peer: ctx.selfId, cluster: ctx.cluster })
  }
  return new Admission({ ...base, clusterKey, certificate })
}
