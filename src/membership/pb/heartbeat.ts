import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export enum MemberStatus {
  UP = 'UP',
  LEAVING = 'LEAVING',
  JOINING = 'JOINING'
}

enum __MemberStatusValues {
  UP = 0,
  LEAVING = 1,
  JOINING = 2
}

export namespace MemberStatus {
  export const codec = (): Codec<MemberStatus> => {
    return enumeration<MemberStatus>(__MemberStatusValues)
  }
}

export interface MembershipMessage {
  announce?: Heartbeat
  report?: Report
}

export namespace MembershipMessage {
  let _codec: Codec<MembershipMessage>

  export const codec = (): Codec<MembershipMessage> => {
    if (_codec == null) {
      _codec = message<MembershipMessage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.announce != null) {
          w.uint32(10)
          Heartbeat.codec().encode(obj.announce, w)
        }

        if (obj.report != null) {
          w.uint32(18)
          Report.codec().encode(obj.report, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.announce = Heartbeat.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.announce
              })
              break
            }
            case 2: {
              obj.report = Report.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.report
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * Heartbeat.codec().stream(reader, reader.uint32(), `${prefix}.announce`, {
                limits: opts.limits?.announce
              })

              break
            }
            case 2: {
              yield * Report.codec().stream(reader, reader.uint32(), `${prefix}.report`, {
                limits: opts.limits?.report
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface MembershipMessageAnnouncePeerFieldEvent {
    field: '$.announce.peer'
    value: string
  }

  export interface MembershipMessageAnnounceAddrsFieldEvent {
    field: '$.announce.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface MembershipMessageAnnounceCapacityFieldEvent {
    field: '$.announce.capacity'
    value: number
  }

  export interface MembershipMessageAnnounceIncarnationFieldEvent {
    field: '$.announce.incarnation'
    value: number
  }

  export interface MembershipMessageAnnounceStatusFieldEvent {
    field: '$.announce.status'
    value: MemberStatus
  }

  export interface MembershipMessageAnnounceZoneFieldEvent {
    field: '$.announce.zone'
    value: string
  }

  export interface MembershipMessageAnnounceNFieldEvent {
    field: '$.announce.n'
    value: number
  }

  export interface MembershipMessageAnnounceTokensPerUnitFieldEvent {
    field: '$.announce.tokensPerUnit'
    value: number
  }

  export interface MembershipMessageAnnounceHashFieldEvent {
    field: '$.announce.hash'
    value: string
  }

  export interface MembershipMessageAnnounceNSetFieldEvent {
    field: '$.announce.nSet'
    value: boolean
  }

  export interface MembershipMessageAnnounceSeqFieldEvent {
    field: '$.announce.seq'
    value: number
  }

  export interface MembershipMessageAnnounceTokensFieldEvent {
    field: '$.announce.tokens[]'
    index: number
    value: bigint
  }

  export interface MembershipMessageAnnounceTokensPerUnitSetFieldEvent {
    field: '$.announce.tokensPerUnitSet'
    value: boolean
  }

  export interface MembershipMessageAnnounceKnownFieldEvent {
    field: '$.announce.known'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MembershipMessageAnnounceCertFieldEvent {
    field: '$.announce.cert'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MembershipMessageAnnounceKeysFieldEvent {
    field: '$.announce.keys'
    value: number
  }

  export interface MembershipMessageAnnounceTokensDigestFieldEvent {
    field: '$.announce.tokensDigest'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MembershipMessageReportSubjectFieldEvent {
    field: '$.report.subject'
    value: string
  }

  export interface MembershipMessageReportIncarnationFieldEvent {
    field: '$.report.incarnation'
    value: number
  }

  export interface MembershipMessageReportSeqFieldEvent {
    field: '$.report.seq'
    value: number
  }

  export interface MembershipMessageReportStateFieldEvent {
    field: '$.report.state'
    value: ReportedState
  }

  export function encode (obj: Partial<MembershipMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, MembershipMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MembershipMessage>): MembershipMessage {
    return decodeMessage(buf, MembershipMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MembershipMessage>): Generator<MembershipMessageAnnouncePeerFieldEvent | MembershipMessageAnnounceAddrsFieldEvent | MembershipMessageAnnounceCapacityFieldEvent | MembershipMessageAnnounceIncarnationFieldEvent | MembershipMessageAnnounceStatusFieldEvent | MembershipMessageAnnounceZoneFieldEvent | MembershipMessageAnnounceNFieldEvent | MembershipMessageAnnounceTokensPerUnitFieldEvent | MembershipMessageAnnounceHashFieldEvent | MembershipMessageAnnounceNSetFieldEvent | MembershipMessageAnnounceSeqFieldEvent | MembershipMessageAnnounceTokensFieldEvent | MembershipMessageAnnounceTokensPerUnitSetFieldEvent | MembershipMessageAnnounceKnownFieldEvent | MembershipMessageAnnounceCertFieldEvent | MembershipMessageAnnounceKeysFieldEvent | MembershipMessageAnnounceTokensDigestFieldEvent | MembershipMessageReportSubjectFieldEvent | MembershipMessageReportIncarnationFieldEvent | MembershipMessageReportSeqFieldEvent | MembershipMessageReportStateFieldEvent> {
    return streamMessage(buf, MembershipMessage.codec(), opts)
  }
}

export enum ReportedState {
  SUSPECT = 'SUSPECT',
  DOWN = 'DOWN'
}

enum __ReportedStateValues {
  SUSPECT = 0,
  DOWN = 1
}

export namespace ReportedState {
  export const codec = (): Codec<ReportedState> => {
    return enumeration<ReportedState>(__ReportedStateValues)
  }
}

export interface Report {
  subject: string
  incarnation: number
  seq: number
  state: ReportedState
}

export namespace Report {
  let _codec: Codec<Report>

  export const codec = (): Codec<Report> => {
    if (_codec == null) {
      _codec = message<Report>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.subject != null && obj.subject !== '')) {
          w.uint32(10)
          w.string(obj.subject)
        }

        if ((obj.incarnation != null && obj.incarnation !== 0)) {
          w.uint32(17)
          w.double(obj.incarnation)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(25)
          w.double(obj.seq)
        }

        if (obj.state != null && __ReportedStateValues[obj.state] !== 0) {
          w.uint32(32)
          ReportedState.codec().encode(obj.state, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          subject: '',
          incarnation: 0,
          seq: 0,
          state: ReportedState.SUSPECT
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.subject = reader.string()
              break
            }
            case 2: {
              obj.incarnation = reader.double()
              break
            }
            case 3: {
              obj.seq = reader.double()
              break
            }
            case 4: {
              obj.state = ReportedState.codec().decode(reader)
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.subject`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.incarnation`,
                value: reader.double()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.seq`,
                value: reader.double()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.state`,
                value: ReportedState.codec().decode(reader)
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ReportSubjectFieldEvent {
    field: '$.subject'
    value: string
  }

  export interface ReportIncarnationFieldEvent {
    field: '$.incarnation'
    value: number
  }

  export interface ReportSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface ReportStateFieldEvent {
    field: '$.state'
    value: ReportedState
  }

  export function encode (obj: Partial<Report>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Report.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Report>): Report {
    return decodeMessage(buf, Report.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Report>): Generator<ReportSubjectFieldEvent | ReportIncarnationFieldEvent | ReportSeqFieldEvent | ReportStateFieldEvent> {
    return streamMessage(buf, Report.codec(), opts)
  }
}

export interface Heartbeat {
  peer: string
  addrs: Uint8Array<ArrayBuffer>[]
  capacity: number
  incarnation: number
  status: MemberStatus
  zone: string
  n: number
  tokensPerUnit: number
  hash: string
  nSet: boolean
  seq: number
  tokens: bigint[]
  tokensPerUnitSet: boolean
  known: Uint8Array<ArrayBuffer>
  cert?: Uint8Array<ArrayBuffer>
  keys?: number
  tokensDigest?: Uint8Array<ArrayBuffer>
}

export namespace Heartbeat {
  let _codec: Codec<Heartbeat>

  export const codec = (): Codec<Heartbeat> => {
    if (_codec == null) {
      _codec = message<Heartbeat>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peer != null && obj.peer !== '')) {
          w.uint32(10)
          w.string(obj.peer)
        }

        if (obj.addrs != null && obj.addrs.length > 0) {
          for (const value of obj.addrs) {
            w.uint32(18)
            w.bytes(value)
          }
        }

        if ((obj.capacity != null && obj.capacity !== 0)) {
          w.uint32(25)
          w.double(obj.capacity)
        }

        if ((obj.incarnation != null && obj.incarnation !== 0)) {
          w.uint32(33)
          w.double(obj.incarnation)
        }

        if (obj.status != null && __MemberStatusValues[obj.status] !== 0) {
          w.uint32(40)
          MemberStatus.codec().encode(obj.status, w)
        }

        if ((obj.zone != null && obj.zone !== '')) {
          w.uint32(50)
          w.string(obj.zone)
        }

        if ((obj.n != null && obj.n !== 0)) {
          w.uint32(56)
          w.uint32(obj.n)
        }

        if ((obj.tokensPerUnit != null && obj.tokensPerUnit !== 0)) {
          w.uint32(64)
          w.uint32(obj.tokensPerUnit)
        }

        if ((obj.hash != null && obj.hash !== '')) {
          w.uint32(74)
          w.string(obj.hash)
        }

        if ((obj.nSet != null && obj.nSet !== false)) {
          w.uint32(80)
          w.bool(obj.nSet)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(89)
          w.double(obj.seq)
        }

        if (obj.tokens != null && obj.tokens.length > 0) {
          for (const value of obj.tokens) {
            w.uint32(97)
            w.fixed64(value)
          }
        }

        if ((obj.tokensPerUnitSet != null && obj.tokensPerUnitSet !== false)) {
          w.uint32(104)
          w.bool(obj.tokensPerUnitSet)
        }

        if ((obj.known != null && obj.known.byteLength > 0)) {
          w.uint32(162)
          w.bytes(obj.known)
        }

        if (obj.cert != null) {
          w.uint32(114)
          w.bytes(obj.cert)
        }

        if (obj.keys != null) {
          w.uint32(121)
          w.double(obj.keys)
        }

        if (obj.tokensDigest != null) {
          w.uint32(170)
          w.bytes(obj.tokensDigest)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peer: '',
          addrs: [],
          capacity: 0,
          incarnation: 0,
          status: MemberStatus.UP,
          zone: '',
          n: 0,
          tokensPerUnit: 0,
          hash: '',
          nSet: false,
          seq: 0,
          tokens: [],
          tokensPerUnitSet: false,
          known: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peer = reader.string()
              break
            }
            case 2: {
              if (opts.limits?.addrs != null && obj.addrs.length === opts.limits.addrs) {
                throw new MaxLengthError('Decode error - repeated field "addrs" had too many elements')
              }

              obj.addrs.push(reader.bytes())
              break
            }
            case 3: {
              obj.capacity = reader.double()
              break
            }
            case 4: {
              obj.incarnation = reader.double()
              break
            }
            case 5: {
              obj.status = MemberStatus.codec().decode(reader)
              break
            }
            case 6: {
              obj.zone = reader.string()
              break
            }
            case 7: {
              obj.n = reader.uint32()
              break
            }
            case 8: {
              obj.tokensPerUnit = reader.uint32()
              break
            }
            case 9: {
              obj.hash = reader.string()
              break
            }
            case 10: {
              obj.nSet = reader.bool()
              break
            }
            case 11: {
              obj.seq = reader.double()
              break
            }
            case 12: {
              if (opts.limits?.tokens != null && obj.tokens.length === opts.limits.tokens) {
                throw new MaxLengthError('Decode error - repeated field "tokens" had too many elements')
              }

              obj.tokens.push(reader.fixed64())
              break
            }
            case 13: {
              obj.tokensPerUnitSet = reader.bool()
              break
            }
            case 20: {
              obj.known = reader.bytes()
              break
            }
            case 14: {
              obj.cert = reader.bytes()
              break
            }
            case 15: {
              obj.keys = reader.double()
              break
            }
            case 21: {
              obj.tokensDigest = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          addrs: 0,
          tokens: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.peer`,
                value: reader.string()
              }
              break
            }
            case 2: {
              if (opts.limits?.addrs != null && obj.addrs === opts.limits.addrs) {
                throw new MaxLengthError('Streaming decode error - repeated field "addrs" had too many elements')
              }

              yield {
                field: `${prefix}.addrs[]`,
                index: obj.addrs,
                value: reader.bytes()
              }

              obj.addrs++

              break
            }
            case 3: {
              yield {
                field: `${prefix}.capacity`,
                value: reader.double()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.incarnation`,
                value: reader.double()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.status`,
                value: MemberStatus.codec().decode(reader)
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.zone`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.n`,
                value: reader.uint32()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.tokensPerUnit`,
                value: reader.uint32()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.hash`,
                value: reader.string()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.nSet`,
                value: reader.bool()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.seq`,
                value: reader.double()
              }
              break
            }
            case 12: {
              if (opts.limits?.tokens != null && obj.tokens === opts.limits.tokens) {
                throw new MaxLengthError('Streaming decode error - repeated field "tokens" had too many elements')
              }

              yield {
                field: `${prefix}.tokens[]`,
                index: obj.tokens,
                value: reader.fixed64()
              }

              obj.tokens++

              break
            }
            case 13: {
              yield {
                field: `${prefix}.tokensPerUnitSet`,
                value: reader.bool()
              }
              break
            }
            case 20: {
              yield {
                field: `${prefix}.known`,
                value: reader.bytes()
              }
              break
            }
            case 14: {
              yield {
                field: `${prefix}.cert`,
                value: reader.bytes()
              }
              break
            }
            case 15: {
              yield {
                field: `${prefix}.keys`,
                value: reader.double()
              }
              break
            }
            case 21: {
              yield {
                field: `${prefix}.tokensDigest`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface HeartbeatPeerFieldEvent {
    field: '$.peer'
    value: string
  }

  export interface HeartbeatAddrsFieldEvent {
    field: '$.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface HeartbeatCapacityFieldEvent {
    field: '$.capacity'
    value: number
  }

  export interface HeartbeatIncarnationFieldEvent {
    field: '$.incarnation'
    value: number
  }

  export interface HeartbeatStatusFieldEvent {
    field: '$.status'
    value: MemberStatus
  }

  export interface HeartbeatZoneFieldEvent {
    field: '$.zone'
    value: string
  }

  export interface HeartbeatNFieldEvent {
    field: '$.n'
    value: number
  }

  export interface HeartbeatTokensPerUnitFieldEvent {
    field: '$.tokensPerUnit'
    value: number
  }

  export interface HeartbeatHashFieldEvent {
    field: '$.hash'
    value: string
  }

  export interface HeartbeatNSetFieldEvent {
    field: '$.nSet'
    value: boolean
  }

  export interface HeartbeatSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface HeartbeatTokensFieldEvent {
    field: '$.tokens[]'
    index: number
    value: bigint
  }

  export interface HeartbeatTokensPerUnitSetFieldEvent {
    field: '$.tokensPerUnitSet'
    value: boolean
  }

  export interface HeartbeatKnownFieldEvent {
    field: '$.known'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HeartbeatCertFieldEvent {
    field: '$.cert'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HeartbeatKeysFieldEvent {
    field: '$.keys'
    value: number
  }

  export interface HeartbeatTokensDigestFieldEvent {
    field: '$.tokensDigest'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Heartbeat>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Heartbeat.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Heartbeat>): Heartbeat {
    return decodeMessage(buf, Heartbeat.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Heartbeat>): Generator<HeartbeatPeerFieldEvent | HeartbeatAddrsFieldEvent | HeartbeatCapacityFieldEvent | HeartbeatIncarnationFieldEvent | HeartbeatStatusFieldEvent | HeartbeatZoneFieldEvent | HeartbeatNFieldEvent | HeartbeatTokensPerUnitFieldEvent | HeartbeatHashFieldEvent | HeartbeatNSetFieldEvent | HeartbeatSeqFieldEvent | HeartbeatTokensFieldEvent | HeartbeatTokensPerUnitSetFieldEvent | HeartbeatKnownFieldEvent | HeartbeatCertFieldEvent | HeartbeatKeysFieldEvent | HeartbeatTokensDigestFieldEvent> {
    return streamMessage(buf, Heartbeat.codec(), opts)
  }
}
