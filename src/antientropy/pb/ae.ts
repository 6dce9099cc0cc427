import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Arc {
  start: bigint
  end: bigint
}

export namespace Arc {
  let _codec: Codec<Arc>

  export const codec = (): Codec<Arc> => {
    if (_codec == null) {
      _codec = message<Arc>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.start != null && obj.start !== 0n)) {
          w.uint32(8)
          w.uint64(obj.start)
        }

        if ((obj.end != null && obj.end !== 0n)) {
          w.uint32(16)
          w.uint64(obj.end)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          start: 0n,
          end: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.start = reader.uint64()
              break
            }
            case 2: {
              obj.end = reader.uint64()
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
                field: `${prefix}.start`,
                value: reader.uint64()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.end`,
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

  export interface ArcStartFieldEvent {
    field: '$.start'
    value: bigint
  }

  export interface ArcEndFieldEvent {
    field: '$.end'
    value: bigint
  }

  export function encode (obj: Partial<Arc>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Arc.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Arc>): Arc {
    return decodeMessage(buf, Arc.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Arc>): Generator<ArcStartFieldEvent | ArcEndFieldEvent> {
    return streamMessage(buf, Arc.codec(), opts)
  }
}

export interface KeyDigest {
  key: string
  digest: Uint8Array<ArrayBuffer>
}

export namespace KeyDigest {
  let _codec: Codec<KeyDigest>

  export const codec = (): Codec<KeyDigest> => {
    if (_codec == null) {
      _codec = message<KeyDigest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if ((obj.digest != null && obj.digest.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.digest)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: '',
          digest: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
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
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
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

  export interface KeyDigestKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface KeyDigestDigestFieldEvent {
    field: '$.digest'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<KeyDigest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, KeyDigest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeyDigest>): KeyDigest {
    return decodeMessage(buf, KeyDigest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeyDigest>): Generator<KeyDigestKeyFieldEvent | KeyDigestDigestFieldEvent> {
    return streamMessage(buf, KeyDigest.codec(), opts)
  }
}

export interface KeyedRecord {
  key: string
  record?: Uint8Array<ArrayBuffer>
}

export namespace KeyedRecord {
  let _codec: Codec<KeyedRecord>

  export const codec = (): Codec<KeyedRecord> => {
    if (_codec == null) {
      _codec = message<KeyedRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if (obj.record != null) {
          w.uint32(18)
          w.bytes(obj.record)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              obj.record = reader.bytes()
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
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.record`,
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

  export interface KeyedRecordKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface KeyedRecordRecordFieldEvent {
    field: '$.record'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<KeyedRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, KeyedRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeyedRecord>): KeyedRecord {
    return decodeMessage(buf, KeyedRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeyedRecord>): Generator<KeyedRecordKeyFieldEvent | KeyedRecordRecordFieldEvent> {
    return streamMessage(buf, KeyedRecord.codec(), opts)
  }
}

export interface Request {
  id: number
  type: number
  arcs: Arc[]
  keys: string[]
  records: KeyedRecord[]
  timeout: number
  split: number
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

        if (obj.arcs != null && obj.arcs.length > 0) {
          for (const value of obj.arcs) {
            w.uint32(26)
            Arc.codec().encode(value, w)
          }
        }

        if (obj.keys != null && obj.keys.length > 0) {
          for (const value of obj.keys) {
            w.uint32(34)
            w.string(value)
          }
        }

        if (obj.records != null && obj.records.length > 0) {
          for (const value of obj.records) {
            w.uint32(42)
            KeyedRecord.codec().encode(value, w)
          }
        }

        if ((obj.timeout != null && obj.timeout !== 0)) {
          w.uint32(48)
          w.uint32(obj.timeout)
        }

        if ((obj.split != null && obj.split !== 0)) {
          w.uint32(56)
          w.uint32(obj.split)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          type: 0,
          arcs: [],
          keys: [],
          records: [],
          timeout: 0,
          split: 0
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
              if (opts.limits?.arcs != null && obj.arcs.length === opts.limits.arcs) {
                throw new MaxLengthError('Decode error - repeated field "arcs" had too many elements')
              }

              obj.arcs.push(Arc.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.arcs$
              }))
              break
            }
            case 4: {
              if (opts.limits?.keys != null && obj.keys.length === opts.limits.keys) {
                throw new MaxLengthError('Decode error - repeated field "keys" had too many elements')
              }

              obj.keys.push(reader.string())
              break
            }
            case 5: {
              if (opts.limits?.records != null && obj.records.length === opts.limits.records) {
                throw new MaxLengthError('Decode error - repeated field "records" had too many elements')
              }

              obj.records.push(KeyedRecord.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.records$
              }))
              break
            }
            case 6: {
              obj.timeout = reader.uint32()
              break
            }
            case 7: {
              obj.split = reader.uint32()
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
          arcs: 0,
          keys: 0,
          records: 0
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
              if (opts.limits?.arcs != null && obj.arcs === opts.limits.arcs) {
                throw new MaxLengthError('Streaming decode error - repeated field "arcs" had too many elements')
              }

              for (const evt of Arc.codec().stream(reader, reader.uint32(), `${prefix}.arcs[]`, {
                limits: opts.limits?.arcs$
              })) {
                yield {
                  ...evt,
                  index: obj.arcs
                }
              }

              obj.arcs++

              break
            }
            case 4: {
              if (opts.limits?.keys != null && obj.keys === opts.limits.keys) {
                throw new MaxLengthError('Streaming decode error - repeated field "keys" had too many elements')
              }

              yield {
                field: `${prefix}.keys[]`,
                index: obj.keys,
                value: reader.string()
              }

              obj.keys++

              break
            }
            case 5: {
              if (opts.limits?.records != null && obj.records === opts.limits.records) {
                throw new MaxLengthError('Streaming decode error - repeated field "records" had too many elements')
              }

              for (const evt of KeyedRecord.codec().stream(reader, reader.uint32(), `${prefix}.records[]`, {
                limits: opts.limits?.records$
              })) {
                yield {
                  ...evt,
                  index: obj.records
                }
              }

              obj.records++

              break
            }
            case 6: {
              yield {
                field: `${prefix}.timeout`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.split`,
                value: reader.uint32()
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

  export interface RequestArcsStartFieldEvent {
    field: '$.arcs[].start'
    value: bigint
    index: number
  }

  export interface RequestArcsEndFieldEvent {
    field: '$.arcs[].end'
    value: bigint
    index: number
  }

  export interface RequestKeysFieldEvent {
    field: '$.keys[]'
    index: number
    value: string
  }

  export interface RequestRecordsKeyFieldEvent {
    field: '$.records[].key'
    value: string
    index: number
  }

  export interface RequestRecordsRecordFieldEvent {
    field: '$.records[].record'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RequestTimeoutFieldEvent {
    field: '$.timeout'
    value: number
  }

  export interface RequestSplitFieldEvent {
    field: '$.split'
    value: number
  }

  export function encode (obj: Partial<Request>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Request.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Request>): Request {
    return decodeMessage(buf, Request.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Request>): Generator<RequestIdFieldEvent | RequestTypeFieldEvent | RequestArcsStartFieldEvent | RequestArcsEndFieldEvent | RequestKeysFieldEvent | RequestRecordsKeyFieldEvent | RequestRecordsRecordFieldEvent | RequestTimeoutFieldEvent | RequestSplitFieldEvent> {
    return streamMessage(buf, Request.codec(), opts)
  }
}

export interface ArcSummary {
  hash: Uint8Array<ArrayBuffer>
  count: number
}

export namespace ArcSummary {
  let _codec: Codec<ArcSummary>

  export const codec = (): Codec<ArcSummary> => {
    if (_codec == null) {
      _codec = message<ArcSummary>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.hash != null && obj.hash.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.hash)
        }

        if ((obj.count != null && obj.count !== 0)) {
          w.uint32(16)
          w.uint32(obj.count)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          hash: uint8ArrayAlloc(0),
          count: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.hash = reader.bytes()
              break
            }
            case 2: {
              obj.count = reader.uint32()
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
                field: `${prefix}.hash`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.count`,
                value: reader.uint32()
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

  export interface ArcSummaryHashFieldEvent {
    field: '$.hash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ArcSummaryCountFieldEvent {
    field: '$.count'
    value: number
  }

  export function encode (obj: Partial<ArcSummary>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ArcSummary.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ArcSummary>): ArcSummary {
    return decodeMessage(buf, ArcSummary.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ArcSummary>): Generator<ArcSummaryHashFieldEvent | ArcSummaryCountFieldEvent> {
    return streamMessage(buf, ArcSummary.codec(), opts)
  }
}

export interface KeyList {
  keys: KeyDigest[]
}

export namespace KeyList {
  let _codec: Codec<KeyList>

  export const codec = (): Codec<KeyList> => {
    if (_codec == null) {
      _codec = message<KeyList>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.keys != null && obj.keys.length > 0) {
          for (const value of obj.keys) {
            w.uint32(10)
            KeyDigest.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          keys: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.keys != null && obj.keys.length === opts.limits.keys) {
                throw new MaxLengthError('Decode error - repeated field "keys" had too many elements')
              }

              obj.keys.push(KeyDigest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.keys$
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
          keys: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.keys != null && obj.keys === opts.limits.keys) {
                throw new MaxLengthError('Streaming decode error - repeated field "keys" had too many elements')
              }

              for (const evt of KeyDigest.codec().stream(reader, reader.uint32(), `${prefix}.keys[]`, {
                limits: opts.limits?.keys$
              })) {
                yield {
                  ...evt,
                  index: obj.keys
                }
              }

              obj.keys++

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

  export interface KeyListKeysKeyFieldEvent {
    field: '$.keys[].key'
    value: string
    index: number
  }

  export interface KeyListKeysDigestFieldEvent {
    field: '$.keys[].digest'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<KeyList>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, KeyList.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeyList>): KeyList {
    return decodeMessage(buf, KeyList.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeyList>): Generator<KeyListKeysKeyFieldEvent | KeyListKeysDigestFieldEvent> {
    return streamMessage(buf, KeyList.codec(), opts)
  }
}

export enum Status {
  OK = 'OK',
  ERROR = 'ERROR'
}

enum __StatusValues {
  OK = 0,
  ERROR = 1
}

export namespace Status {
  export const codec = (): Codec<Status> => {
    return enumeration<Status>(__StatusValues)
  }
}

export interface Response {
  id: number
  status: Status
  code: string
  message: string
  summaries: ArcSummary[]
  lists: KeyList[]
  records: KeyedRecord[]
  merged: number
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

        if ((obj.code != null && obj.code !== '')) {
          w.uint32(26)
          w.string(obj.code)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(34)
          w.string(obj.message)
        }

        if (obj.summaries != null && obj.summaries.length > 0) {
          for (const value of obj.summaries) {
            w.uint32(42)
            ArcSummary.codec().encode(value, w)
          }
        }

        if (obj.lists != null && obj.lists.length > 0) {
          for (const value of obj.lists) {
            w.uint32(50)
            KeyList.codec().encode(value, w)
          }
        }

        if (obj.records != null && obj.records.length > 0) {
          for (const value of obj.records) {
            w.uint32(58)
            KeyedRecord.codec().encode(value, w)
          }
        }

        if ((obj.merged != null && obj.merged !== 0)) {
          w.uint32(64)
          w.uint32(obj.merged)
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
          summaries: [],
          lists: [],
          records: [],
          merged: 0
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
              obj.code = reader.string()
              break
            }
            case 4: {
              obj.message = reader.string()
              break
            }
            case 5: {
              if (opts.limits?.summaries != null && obj.summaries.length === opts.limits.summaries) {
                throw new MaxLengthError('Decode error - repeated field "summaries" had too many elements')
              }

              obj.summaries.push(ArcSummary.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.summaries$
              }))
              break
            }
            case 6: {
              if (opts.limits?.lists != null && obj.lists.length === opts.limits.lists) {
                throw new MaxLengthError('Decode error - repeated field "lists" had too many elements')
              }

              obj.lists.push(KeyList.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.lists$
              }))
              break
            }
            case 7: {
              if (opts.limits?.records != null && obj.records.length === opts.limits.records) {
                throw new MaxLengthError('Decode error - repeated field "records" had too many elements')
              }

              obj.records.push(KeyedRecord.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.records$
              }))
              break
            }
            case 8: {
              obj.merged = reader.uint32()
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
          summaries: 0,
          lists: 0,
          records: 0
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
                field: `${prefix}.code`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            case 5: {
              if (opts.limits?.summaries != null && obj.summaries === opts.limits.summaries) {
                throw new MaxLengthError('Streaming decode error - repeated field "summaries" had too many elements')
              }

              for (const evt of ArcSummary.codec().stream(reader, reader.uint32(), `${prefix}.summaries[]`, {
                limits: opts.limits?.summaries$
              })) {
                yield {
                  ...evt,
                  index: obj.summaries
                }
              }

              obj.summaries++

              break
            }
            case 6: {
              if (opts.limits?.lists != null && obj.lists === opts.limits.lists) {
                throw new MaxLengthError('Streaming decode error - repeated field "lists" had too many elements')
              }

              for (const evt of KeyList.codec().stream(reader, reader.uint32(), `${prefix}.lists[]`, {
                limits: opts.limits?.lists$
              })) {
                yield {
                  ...evt,
                  index: obj.lists
                }
              }

              obj.lists++

              break
            }
            case 7: {
              if (opts.limits?.records != null && obj.records === opts.limits.records) {
                throw new MaxLengthError('Streaming decode error - repeated field "records" had too many elements')
              }

              for (const evt of KeyedRecord.codec().stream(reader, reader.uint32(), `${prefix}.records[]`, {
                limits: opts.limits?.records$
              })) {
                yield {
                  ...evt,
                  index: obj.records
                }
              }

              obj.records++

              break
            }
            case 8: {
              yield {
                field: `${prefix}.merged`,
                value: reader.uint32()
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

  export interface ResponseCodeFieldEvent {
    field: '$.code'
    value: string
  }

  export interface ResponseMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface ResponseSummariesHashFieldEvent {
    field: '$.summaries[].hash'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ResponseSummariesCountFieldEvent {
    field: '$.summaries[].count'
    value: number
    index: number
  }

  export interface ResponseListsKeysKeyFieldEvent {
    field: '$.lists[].keys[].key'
    value: string
    index: number
  }

  export interface ResponseListsKeysDigestFieldEvent {
    field: '$.lists[].keys[].digest'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ResponseRecordsKeyFieldEvent {
    field: '$.records[].key'
    value: string
    index: number
  }

  export interface ResponseRecordsRecordFieldEvent {
    field: '$.records[].record'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ResponseMergedFieldEvent {
    field: '$.merged'
    value: number
  }

  export function encode (obj: Partial<Response>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Response.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Response>): Response {
    return decodeMessage(buf, Response.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Response>): Generator<ResponseIdFieldEvent | ResponseStatusFieldEvent | ResponseCodeFieldEvent | ResponseMessageFieldEvent | ResponseSummariesHashFieldEvent | ResponseSummariesCountFieldEvent | ResponseListsKeysKeyFieldEvent | ResponseListsKeysDigestFieldEvent | ResponseRecordsKeyFieldEvent | ResponseRecordsRecordFieldEvent | ResponseMergedFieldEvent> {
    return streamMessage(buf, Response.codec(), opts)
  }
}
