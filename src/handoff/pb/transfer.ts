import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
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
          w.uint32(9)
          w.fixed64(obj.start)
        }

        if ((obj.end != null && obj.end !== 0n)) {
          w.uint32(17)
          w.fixed64(obj.end)
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
              obj.start = reader.fixed64()
              break
            }
            case 2: {
              obj.end = reader.fixed64()
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
                value: reader.fixed64()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.end`,
                value: reader.fixed64()
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

export interface PullRequest {
  arcs: Arc[]
  after?: string
  maxBytes: number
}

export namespace PullRequest {
  let _codec: Codec<PullRequest>

  export const codec = (): Codec<PullRequest> => {
    if (_codec == null) {
      _codec = message<PullRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.arcs != null && obj.arcs.length > 0) {
          for (const value of obj.arcs) {
            w.uint32(10)
            Arc.codec().encode(value, w)
          }
        }

        if (obj.after != null) {
          w.uint32(18)
          w.string(obj.after)
        }

        if ((obj.maxBytes != null && obj.maxBytes !== 0)) {
          w.uint32(24)
          w.uint32(obj.maxBytes)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          arcs: [],
          maxBytes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.arcs != null && obj.arcs.length === opts.limits.arcs) {
                throw new MaxLengthError('Decode error - repeated field "arcs" had too many elements')
              }

              obj.arcs.push(Arc.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.arcs$
              }))
              break
            }
            case 2: {
              obj.after = reader.string()
              break
            }
            case 3: {
              obj.maxBytes = reader.uint32()
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
          arcs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
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
            case 2: {
              yield {
                field: `${prefix}.after`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.maxBytes`,
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

  export interface PullRequestArcsStartFieldEvent {
    field: '$.arcs[].start'
    value: bigint
    index: number
  }

  export interface PullRequestArcsEndFieldEvent {
    field: '$.arcs[].end'
    value: bigint
    index: number
  }

  export interface PullRequestAfterFieldEvent {
    field: '$.after'
    value: string
  }

  export interface PullRequestMaxBytesFieldEvent {
    field: '$.maxBytes'
    value: number
  }

  export function encode (obj: Partial<PullRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PullRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PullRequest>): PullRequest {
    return decodeMessage(buf, PullRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PullRequest>): Generator<PullRequestArcsStartFieldEvent | PullRequestArcsEndFieldEvent | PullRequestAfterFieldEvent | PullRequestMaxBytesFieldEvent> {
    return streamMessage(buf, PullRequest.codec(), opts)
  }
}

export interface Entry {
  key: string
  record: Uint8Array<ArrayBuffer>
}

export namespace Entry {
  let _codec: Codec<Entry>

  export const codec = (): Codec<Entry> => {
    if (_codec == null) {
      _codec = message<Entry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if ((obj.record != null && obj.record.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.record)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: '',
          record: uint8ArrayAlloc(0)
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

  export interface EntryKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface EntryRecordFieldEvent {
    field: '$.record'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Entry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Entry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Entry>): Entry {
    return decodeMessage(buf, Entry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Entry>): Generator<EntryKeyFieldEvent | EntryRecordFieldEvent> {
    return streamMessage(buf, Entry.codec(), opts)
  }
}

export interface PullReply {
  entries: Entry[]
  next?: string
  done: boolean
  errorCode: string
  error: string
}

export namespace PullReply {
  let _codec: Codec<PullReply>

  export const codec = (): Codec<PullReply> => {
    if (_codec == null) {
      _codec = message<PullReply>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.entries != null && obj.entries.length > 0) {
          for (const value of obj.entries) {
            w.uint32(10)
            Entry.codec().encode(value, w)
          }
        }

        if (obj.next != null) {
          w.uint32(18)
          w.string(obj.next)
        }

        if ((obj.done != null && obj.done !== false)) {
          w.uint32(24)
          w.bool(obj.done)
        }

        if ((obj.errorCode != null && obj.errorCode !== '')) {
          w.uint32(34)
          w.string(obj.errorCode)
        }

        if ((obj.error != null && obj.error !== '')) {
          w.uint32(42)
          w.string(obj.error)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          entries: [],
          done: false,
          errorCode: '',
          error: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.entries != null && obj.entries.length === opts.limits.entries) {
                throw new MaxLengthError('Decode error - repeated field "entries" had too many elements')
              }

              obj.entries.push(Entry.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.entries$
              }))
              break
            }
            case 2: {
              obj.next = reader.string()
              break
            }
            case 3: {
              obj.done = reader.bool()
              break
            }
            case 4: {
              obj.errorCode = reader.string()
              break
            }
            case 5: {
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
        const obj = {
          entries: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.entries != null && obj.entries === opts.limits.entries) {
                throw new MaxLengthError('Streaming decode error - repeated field "entries" had too many elements')
              }

              for (const evt of Entry.codec().stream(reader, reader.uint32(), `${prefix}.entries[]`, {
                limits: opts.limits?.entries$
              })) {
                yield {
                  ...evt,
                  index: obj.entries
                }
              }

              obj.entries++

              break
            }
            case 2: {
              yield {
                field: `${prefix}.next`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.done`,
                value: reader.bool()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.errorCode`,
                value: reader.string()
              }
              break
            }
            case 5: {
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

  export interface PullReplyEntriesKeyFieldEvent {
    field: '$.entries[].key'
    value: string
    index: number
  }

  export interface PullReplyEntriesRecordFieldEvent {
    field: '$.entries[].record'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface PullReplyNextFieldEvent {
    field: '$.next'
    value: string
  }

  export interface PullReplyDoneFieldEvent {
    field: '$.done'
    value: boolean
  }

  export interface PullReplyErrorCodeFieldEvent {
    field: '$.errorCode'
    value: string
  }

  export interface PullReplyErrorFieldEvent {
    field: '$.error'
    value: string
  }

  export function encode (obj: Partial<PullReply>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PullReply.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PullReply>): PullReply {
    return decodeMessage(buf, PullReply.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PullReply>): Generator<PullReplyEntriesKeyFieldEvent | PullReplyEntriesRecordFieldEvent | PullReplyNextFieldEvent | PullReplyDoneFieldEvent | PullReplyErrorCodeFieldEvent | PullReplyErrorFieldEvent> {
    return streamMessage(buf, PullReply.codec(), opts)
  }
}
