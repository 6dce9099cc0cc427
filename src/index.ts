/** meshkv as a library: createNode() and the types and errors it uses. */
import './shim.js'
export { createNode, MeshNode } from './node.js'
export type { NodeOptions, NodeStatus } from './node.js'
export type { GetResult, PutResult, ReadOptions, WriteOptions, TraceOptions, Quorums } from './coordinator/coordinator.js'
export type { RequestLog } from './observability/request-log.js'
export type { Member, MemberState } from './membership/view.js'
export * from './errors.js'
export type { AntiEntropyStatus, ExchangeReport, PeerSync } from './antientropy/anti-entropy.js'
