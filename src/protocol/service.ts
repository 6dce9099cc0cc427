/**
 * What the protocol's handlers need from this node. The coordinator
 * implements it; the protocol never reaches into the store or the ring.
 */
import type { KvRecord, Sibling } from '../store/record.js'
import type { VersionVector } from '../version/types.js'
import type { RequestTrace } from '../observability/request-trace.js'

export interface CoordinatedPut {
  key: string
  /** the new value, with the write's id (`sibling.writeId`): a replica mints a write id once */
  sibling: Sibling
  context: VersionVector
  /** the writes the context covers, as references (src/store/superseded.ts writeRef); absent: none named */
  contextWrites?: Uint8Array[]
  n: number
  w: number
  timeoutMs: number
  /** the client request this write serves: carried to the replicas it syncs (logs, spans) */
  trace?: RequestTrace
}

export interface PutOutcome {
  /** peers that stored the write durably, the coordinating replica first */
  acked: string[]
  /**
   * The record the coordinating replica stored. Its values are shown to the
   * writer with its context, so the context never covers a value the writer
   * was not shown.
   */
  record: KvRecord
}

export interface KvService {
  /** this replica's record for key */
  localGet: (key: string) => Promise<KvRecord | undefined>
  /**
   * merge a record into this replica's state; returns what is stored.
   * `hintFor`: this peer stands in for that owner (sloppy quorum) and keeps
   * a durable hint to hand the key over (refused with HintRefusedError)
   */
  localSync: (key: string, record: KvRecord, hintFor?: string) => Promise<KvRecord>
  /** take a client write as one of its replicas: new dot here, replicate, wait for w */
  coordinatePut: (put: CoordinatedPut) => Promise<PutOutcome>
  /** largest value accepted, bytes */
  maxValueBytes: number
}
