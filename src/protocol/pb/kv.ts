import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface VectorEntry {
  actor: string
  counter: bigint
}

export namespace VectorEntry {
  let _codec: Codec<VectorEntry>

  export const codec = (): Codec<VectorEntry> => {
    if (_codec == null) {
      _codec = message<VectorEntry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.actor != null && obj.actor !== '')) {
          w.uint32(10)
          w.string(obj.actor)
        }

        if ((obj.counter != null && obj.counter !== 0n)) {
          w.uint32(16)
          w.uint64(obj.counter)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          actor: '',
          counter: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.actor = reader.string()
              break
            }
            case 2: {
              obj.counter = reader.uint64()
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
                field: `${prefix}.actor`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.counter`,
                value: reader.uint64()
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

  export interface VectorEntryActorFieldEvent {
    field: '$.actor'
    value: string
  }

  export interface VectorEntryCounterFieldEvent {
    field: '$.counter'
    value: bigint
  }

  export function encode (obj: Partial<VectorEntry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, VectorEntry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<VectorEntry>): VectorEntry {
    return decodeMessage(buf, VectorEntry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<VectorEntry>): Generator<VectorEntryActorFieldEvent | VectorEntryCounterFieldEvent> {
    return streamMessage(buf, VectorEntry.codec(), opts)
  }
}

export interface Request {
  id: number
  type: number
  key: string
  record?: Uint8Array<ArrayBuffer>
  value?: Uint8Array<ArrayBuffer>
  tombstone: boolean
  context: VectorEntry[]
  w: number
  n: number
  timeout: number
  writeId: Uint8Array<ArrayBuffer>
  hintFor: string
  requestId: string
  traceparent: string
  contextWrites: Uint8Array<ArrayBuffer>[]
  digest: Uint8Array<ArrayBuffer>
}

export namespace Request {
  let _codec: Codec<Request>

  export const codec = (): Codec<Request> => {
    if (_codec == null) {
      _codec = message<Request>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== 0)) {
          w.uint32(8)
          w.uint32(obj.id)
        }

        if ((obj.type != null && obj.type !== 0)) {
          w.uint32(16)
          w.uint32(obj.type)
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(26)
          w.string(obj.key)
        }

        if (obj.record != null) {
          w.uint32(34)
          w.bytes(obj.record)
        }

        if (obj.value != null) {
          w.uint32(42)
          w.bytes(obj.value)
        }

        if ((obj.tombstone != null && obj.tombstone !== false)) {
          w.uint32(48)
          w.bool(obj.tombstone)
        }

        if (obj.context != null && obj.context.length > 0) {
          for (const value of obj.context) {
            w.uint32(58)
            VectorEntry.codec().encode(value, w)
          }
        }

        if ((obj.w != null && obj.w !== 0)) {
          w.uint32(64)
          w.uint32(obj.w)
        }

        if ((obj.n != null && obj.n !== 0)) {
          w.uint32(72)
          w.uint32(obj.n)
        }

        if ((obj.timeout != null && obj.timeout !== 0)) {
          w.uint32(80)
          w.uint32(obj.timeout)
        }

        if ((obj.writeId != null && obj.writeId.byteLength > 0)) {
          w.uint32(90)
          w.bytes(obj.writeId)
        }

        if ((obj.hintFor != null && obj.hintFor !== '')) {
          w.uint32(98)
          w.string(obj.hintFor)
        }

        if ((obj.requestId != null && obj.requestId !== '')) {
          w.uint32(106)
          w.string(obj.requestId)
        }

        if ((obj.traceparent != null && obj.traceparent !== '')) {
          w.uint32(114)
          w.string(obj.traceparent)
        }

        if (obj.contextWrites != null && obj.contextWrites.length > 0) {
          for (const value of obj.contextWrites) {
            w.uint32(122)
            w.bytes(value)
          }
        }

        if ((obj.digest != null && obj.digest.byteLength > 0)) {
          w.uint32(130)
          w.bytes(obj.digest)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          type: 0,
          key: '',
          tombstone: false,
          context: [],
          w: 0,
          n: 0,
          timeout: 0,
          writeId: uint8ArrayAlloc(0),
          hintFor: '',
          requestId: '',
          traceparent: '',
          contextWrites: [],
          digest: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.uint32()
              break
            }
            case 2: {
              obj.type = reader.uint32()
              break
            }
            case 3: {
              obj.key = reader.string()
              break
            }
            case 4: {
              obj.record = reader.bytes()
              break
            }
            case 5: {
              obj.value = reader.bytes()
              break
            }
            case 6: {
              obj.tombstone = reader.bool()
              break
            }
            case 7: {
              if (opts.limits?.context != null && obj.context.length === opts.limits.context) {
                throw new MaxLengthError('Decode error - repeated field "context" had too many elements')
              }

              obj.context.push(VectorEntry.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.context$
              }))
              break
            }
            case 8: {
              obj.w = reader.uint32()
              break
            }
            case 9: {
              obj.n = reader.uint32()
              break
            }
            case 10: {
              obj.timeout = reader.uint32()
              break
            }
            case 11: {
              obj.writeId = reader.bytes()
              break
            }
            case 12: {
              obj.hintFor = reader.string()
              break
            }
            case 13: {
              obj.requestId = reader.string()
              break
            }
            case 14: {
              obj.traceparent = reader.string()
              break
            }
            case 15: {
              if (opts.limits?.contextWrites != null && obj.contextWrites.length === opts.limits.contextWrites) {
                throw new MaxLengthError('Decode error - repeated field "contextWrites" had too many elements')
              }

              obj.contextWrites.push(reader.bytes())
              break
            }
            case 16: {
              obj.digest = reader.bytes()
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
          context: 0,
          contextWrites: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.id`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.type`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.record`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.value`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.tombstone`,
                value: reader.bool()
              }
              break
            }
            case 7: {
              if (opts.limits?.context != null && obj.context === opts.limits.context) {
                throw new MaxLengthError('Streaming decode error - repeated field "context" had too many elements')
              }

              for (const evt of VectorEntry.codec().stream(reader, reader.uint32(), `${prefix}.context[]`, {
                limits: opts.limits?.context$
              })) {
                yield {
                  ...evt,
                  index: obj.context
                }
              }

              obj.context++

              break
            }
            case 8: {
              yield {
                field: `${prefix}.w`,
                value: reader.uint32()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.n`,
                value: reader.uint32()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.timeout`,
                value: reader.uint32()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.writeId`,
                value: reader.bytes()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.hintFor`,
                value: reader.string()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.requestId`,
                value: reader.string()
              }
              break
            }
            case 14: {
              yield {
                field: `${prefix}.traceparent`,
                value: reader.string()
              }
              break
            }
            case 15: {
              if (opts.limits?.contextWrites != null && obj.contextWrites === opts.limits.contextWrites) {
                throw new MaxLengthError('Streaming decode error - repeated field "contextWrites" had too many elements')
              }

              yield {
                field: `${prefix}.contextWrites[]`,
                index: obj.contextWrites,
                value: reader.bytes()
              }

              obj.contextWrites++

              break
            }
            case 16: {
              yield {
                field: `${prefix}.digest`,
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

  export interface RequestIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface RequestTypeFieldEvent {
    field: '$.type'
    value: number
  }

  export interface RequestKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface RequestRecordFieldEvent {
    field: '$.record'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RequestValueFieldEvent {
    field: '$.value'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RequestTombstoneFieldEvent {
    field: '$.tombstone'
    value: boolean
  }

  export interface RequestContextActorFieldEvent {
    field: '$.context[].actor'
    value: string
    index: number
  }

  export interface RequestContextCounterFieldEvent {
    field: '$.context[].counter'
    value: bigint
    index: number
  }

  export interface RequestWFieldEvent {
    field: '$.w'
    value: number
  }

  export interface RequestNFieldEvent {
    field: '$.n'
    value: number
  }

  export interface RequestTimeoutFieldEvent {
    field: '$.timeout'
    value: number
  }

  export interface RequestWriteIdFieldEvent {
    field: '$.writeId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RequestHintForFieldEvent {
    field: '$.hintFor'
    value: string
  }

  export interface RequestRequestIdFieldEvent {
    field: '$.requestId'
    value: string
  }

  export interface RequestTraceparentFieldEvent {
    field: '$.traceparent'
    value: string
  }

  export interface RequestContextWritesFieldEvent {
    field: '$.contextWrites[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface RequestDigestFieldEvent {
    field: '$.digest'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Request>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Request.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Request>): Request {
    return decodeMessage(buf, Request.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Request>): Generator<RequestIdFieldEvent | RequestTypeFieldEvent | RequestKeyFieldEvent | RequestRecordFieldEvent | RequestValueFieldEvent | RequestTombstoneFieldEvent | RequestContextActorFieldEvent | RequestContextCounterFieldEvent | RequestWFieldEvent | RequestNFieldEvent | RequestTimeoutFieldEvent | RequestWriteIdFieldEvent | RequestHintForFieldEvent | RequestRequestIdFieldEvent | RequestTraceparentFieldEvent | RequestContextWritesFieldEvent | RequestDigestFieldEvent> {
    return streamMessage(buf, Request.codec(), opts)
  }
}

export interface Failure {
  peer: string
  error: string
}

export namespace Failure {
  let _codec: Codec<Failure>

  export const codec = (): Codec<Failure> => {
    if (_codec == null) {
      _codec = message<Failure>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peer != null && obj.peer !== '')) {
          w.uint32(10)
          w.string(obj.peer)
        }

        if ((obj.error != null && obj.error !== '')) {
          w.uint32(18)
          w.string(obj.error)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peer: '',
          error: ''
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
              obj.error = reader.string()
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
                field: `${prefix}.peer`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.error`,
                value: reader.string()
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

  export interface FailurePeerFieldEvent {
    field: '$.peer'
    value: string
  }

  export interface FailureErrorFieldEvent {
    field: '$.error'
    value: string
  }

  export function encode (obj: Partial<Failure>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Failure.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Failure>): Failure {
    return decodeMessage(buf, Failure.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Failure>): Generator<FailurePeerFieldEvent | FailureErrorFieldEvent> {
    return streamMessage(buf, Failure.codec(), opts)
  }
}

export interface QuorumDetail {
  required: number
  received: number
  available: number
  answered: string[]
  failed: Failure[]
}

export namespace QuorumDetail {
  let _codec: Codec<QuorumDetail>

  export const codec = (): Codec<QuorumDetail> => {
    if (_codec == null) {
      _codec = message<QuorumDetail>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.required != null && obj.required !== 0)) {
          w.uint32(8)
          w.uint32(obj.required)
        }

        if ((obj.received != null && obj.received !== 0)) {
          w.uint32(16)
          w.uint32(obj.received)
        }

        if ((obj.available != null && obj.available !== 0)) {
          w.uint32(24)
          w.uint32(obj.available)
        }

        if (obj.answered != null && obj.answered.length > 0) {
          for (const value of obj.answered) {
            w.uint32(34)
            w.string(value)
          }
        }

        if (obj.failed != null && obj.failed.length > 0) {
          for (const value of obj.failed) {
            w.uint32(42)
            Failure.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          required: 0,
          received: 0,
          available: 0,
          answered: [],
          failed: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.required = reader.uint32()
              break
            }
            case 2: {
              obj.received = reader.uint32()
              break
            }
            case 3: {
              obj.available = reader.uint32()
              break
            }
            case 4: {
              if (opts.limits?.answered != null && obj.answered.length === opts.limits.answered) {
                throw new MaxLengthError('Decode error - repeated field "answered" had too many elements')
              }

              obj.answered.push(reader.string())
              break
            }
            case 5: {
              if (opts.limits?.failed != null && obj.failed.length === opts.limits.failed) {
                throw new MaxLengthError('Decode error - repeated field "failed" had too many elements')
              }

              obj.failed.push(Failure.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.failed$
              }))
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
          answered: 0,
          failed: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.required`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.received`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.available`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              if (opts.limits?.answered != null && obj.answered === opts.limits.answered) {
                throw new MaxLengthError('Streaming decode error - repeated field "answered" had too many elements')
              }

              yield {
                field: `${prefix}.answered[]`,
                index: obj.answered,
                value: reader.string()
              }

              obj.answered++

              break
            }
            case 5: {
              if (opts.limits?.failed != null && obj.failed === opts.limits.failed) {
                throw new MaxLengthError('Streaming decode error - repeated field "failed" had too many elements')
              }

              for (const evt of Failure.codec().stream(reader, reader.uint32(), `${prefix}.failed[]`, {
                limits: opts.limits?.failed$
              })) {
                yield {
                  ...evt,
                  index: obj.failed
                }
              }

              obj.failed++

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

  export interface QuorumDetailRequiredFieldEvent {
    field: '$.required'
    value: number
  }

  export interface QuorumDetailReceivedFieldEvent {
    field: '$.received'
    value: number
  }

  export interface QuorumDetailAvailableFieldEvent {
    field: '$.available'
    value: number
  }

  export interface QuorumDetailAnsweredFieldEvent {
    field: '$.answered[]'
    index: number
    value: string
  }

  export interface QuorumDetailFailedPeerFieldEvent {
    field: '$.failed[].peer'
    value: string
    index: number
  }

  export interface QuorumDetailFailedErrorFieldEvent {
    field: '$.failed[].error'
    value: string
    index: number
  }

  export function encode (obj: Partial<QuorumDetail>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, QuorumDetail.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<QuorumDetail>): QuorumDetail {
    return decodeMessage(buf, QuorumDetail.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<QuorumDetail>): Generator<QuorumDetailRequiredFieldEvent | QuorumDetailReceivedFieldEvent | QuorumDetailAvailableFieldEvent | QuorumDetailAnsweredFieldEvent | QuorumDetailFailedPeerFieldEvent | QuorumDetailFailedErrorFieldEvent> {
    return streamMessage(buf, QuorumDetail.codec(), opts)
  }
}

export enum Status {
  OK = 'OK',
  NOT_FOUND = 'NOT_FOUND',
  ERROR = 'ERROR'
}

enum __StatusValues {
  OK = 0,
  NOT_FOUND = 1,
  ERROR = 2
}

export namespace Status {
  export const codec = (): Codec<Status> => {
    return enumeration<Status>(__StatusValues)
  }
}

export interface Response {
  id: number
  status: Status
  record?: Uint8Array<ArrayBuffer>
  code: string
  message: string
  acked: string[]
  context: VectorEntry[]
  quorum?: QuorumDetail
  same: boolean
}

export namespace Response {
  let _codec: Codec<Response>

  export const codec = (): Codec<Response> => {
    if (_codec == null) {
      _codec = message<Response>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== 0)) {
          w.uint32(8)
          w.uint32(obj.id)
        }

        if (obj.status != null && __StatusValues[obj.status] !== 0) {
          w.uint32(16)
          Status.codec().encode(obj.status, w)
        }

        if (obj.record != null) {
          w.uint32(26)
          w.bytes(obj.record)
        }

        if ((obj.code != null && obj.code !== '')) {
          w.uint32(34)
          w.string(obj.code)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(42)
          w.string(obj.message)
        }

        if (obj.acked != null && obj.acked.length > 0) {
          for (const value of obj.acked) {
            w.uint32(50)
            w.string(value)
          }
        }

        if (obj.context != null && obj.context.length > 0) {
          for (const value of obj.context) {
            w.uint32(58)
            VectorEntry.codec().encode(value, w)
          }
        }

        if (obj.quorum != null) {
          w.uint32(66)
          QuorumDetail.codec().encode(obj.quorum, w)
        }

        if ((obj.same != null && obj.same !== false)) {
          w.uint32(72)
          w.bool(obj.same)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          status: Status.OK,
          code: '',
          message: '',
          acked: [],
          context: [],
          same: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.uint32()
              break
            }
            case 2: {
              obj.status = Status.codec().decode(reader)
              break
            }
            case 3: {
              obj.record = reader.bytes()
              break
            }
            case 4: {
              obj.code = reader.string()
              break
            }
            case 5: {
              obj.message = reader.string()
              break
            }
            case 6: {
              if (opts.limits?.acked != null && obj.acked.length === opts.limits.acked) {
                throw new MaxLengthError('Decode error - repeated field "acked" had too many elements')
              }

              obj.acked.push(reader.string())
              break
            }
            case 7: {
              if (opts.limits?.context != null && obj.context.length === opts.limits.context) {
                throw new MaxLengthError('Decode error - repeated field "context" had too many elements')
              }

              obj.context.push(VectorEntry.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.context$
              }))
              break
            }
            case 8: {
              obj.quorum = QuorumDetail.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.quorum
              })
              break
            }
            case 9: {
              obj.same = reader.bool()
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
          acked: 0,
          context: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.id`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.status`,
                value: Status.codec().decode(reader)
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.record`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.code`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            case 6: {
              if (opts.limits?.acked != null && obj.acked === opts.limits.acked) {
                throw new MaxLengthError('Streaming decode error - repeated field "acked" had too many elements')
              }

              yield {
                field: `${prefix}.acked[]`,
                index: obj.acked,
                value: reader.string()
              }

              obj.acked++

              break
            }
            case 7: {
              if (opts.limits?.context != null && obj.context === opts.limits.context) {
                throw new MaxLengthError('Streaming decode error - repeated field "context" had too many elements')
              }

              for (const evt of VectorEntry.codec().stream(reader, reader.uint32(), `${prefix}.context[]`, {
                limits: opts.limits?.context$
              })) {
                yield {
                  ...evt,
                  index: obj.context
                }
              }

              obj.context++

              break
            }
            case 8: {
              yield * QuorumDetail.codec().stream(reader, reader.uint32(), `${prefix}.quorum`, {
                limits: opts.limits?.quorum
              })

              break
            }
            case 9: {
              yield {
                field: `${prefix}.same`,
                value: reader.bool()
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

  export interface ResponseIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface ResponseStatusFieldEvent {
    field: '$.status'
    value: Status
  }

  export interface ResponseRecordFieldEvent {
    field: '$.record'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResponseCodeFieldEvent {
    field: '$.code'
    value: string
  }

  export interface ResponseMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface ResponseAckedFieldEvent {
    field: '$.acked[]'
    index: number
    value: string
  }

  export interface ResponseContextActorFieldEvent {
    field: '$.context[].actor'
    value: string
    index: number
  }

  export interface ResponseContextCounterFieldEvent {
    field: '$.context[].counter'
    value: bigint
    index: number
  }

  export interface ResponseQuorumRequiredFieldEvent {
    field: '$.quorum.required'
    value: number
  }

  export interface ResponseQuorumReceivedFieldEvent {
    field: '$.quorum.received'
    value: number
  }

  export interface ResponseQuorumAvailableFieldEvent {
    field: '$.quorum.available'
    value: number
  }

  export interface ResponseQuorumAnsweredFieldEvent {
    field: '$.quorum.answered[]'
    index: number
    value: string
  }

  export interface ResponseQuorumFailedPeerFieldEvent {
    field: '$.quorum.failed[].peer'
    value: string
    index: number
  }

  export interface ResponseQuorumFailedErrorFieldEvent {
    field: '$.quorum.failed[].error'
    value: string
    index: number
  }

  export interface ResponseSameFieldEvent {
    field: '$.same'
    value: boolean
  }

  export function encode (obj: Partial<Response>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Response.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Response>): Response {
    return decodeMessage(buf, Response.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Response>): Generator<ResponseIdFieldEvent | ResponseStatusFieldEvent | ResponseRecordFieldEvent | ResponseCodeFieldEvent | ResponseMessageFieldEvent | ResponseAckedFieldEvent | ResponseContextActorFieldEvent | ResponseContextCounterFieldEvent | ResponseQuorumRequiredFieldEvent | ResponseQuorumReceivedFieldEvent | ResponseQuorumAvailableFieldEvent | ResponseQuorumAnsweredFieldEvent | ResponseQuorumFailedPeerFieldEvent | ResponseQuorumFailedErrorFieldEvent | ResponseSameFieldEvent> {
    return streamMessage(buf, Response.codec(), opts)
  }
}
