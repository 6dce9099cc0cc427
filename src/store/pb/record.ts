import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Sibling {
  data: Uint8Array<ArrayBuffer>
  tombstone: boolean
  timestamp: number
  writeId: Uint8Array<ArrayBuffer>
  supersedes: Uint8Array<ArrayBuffer>[]
}

export namespace Sibling {
  let _codec: Codec<Sibling>

  export const codec = (): Codec<Sibling> => {
    if (_codec == null) {
      _codec = message<Sibling>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.data != null && obj.data.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.data)
        }

        if ((obj.tombstone != null && obj.tombstone !== false)) {
          w.uint32(16)
          w.bool(obj.tombstone)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0)) {
          w.uint32(25)
          w.double(obj.timestamp)
        }

        if ((obj.writeId != null && obj.writeId.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.writeId)
        }

        if (obj.supersedes != null && obj.supersedes.length > 0) {
          for (const value of obj.supersedes) {
            w.uint32(42)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          data: uint8ArrayAlloc(0),
          tombstone: false,
          timestamp: 0,
          writeId: uint8ArrayAlloc(0),
          supersedes: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.data = reader.bytes()
              break
            }
            case 2: {
              obj.tombstone = reader.bool()
              break
            }
            case 3: {
              obj.timestamp = reader.double()
              break
            }
            case 4: {
              obj.writeId = reader.bytes()
              break
            }
            case 5: {
              if (opts.limits?.supersedes != null && obj.supersedes.length === opts.limits.supersedes) {
                throw new MaxLengthError('Decode error - repeated field "supersedes" had too many elements')
              }

              obj.supersedes.push(reader.bytes())
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
          supersedes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.data`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.tombstone`,
                value: reader.bool()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.double()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.writeId`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              if (opts.limits?.supersedes != null && obj.supersedes === opts.limits.supersedes) {
                throw new MaxLengthError('Streaming decode error - repeated field "supersedes" had too many elements')
              }

              yield {
                field: `${prefix}.supersedes[]`,
                index: obj.supersedes,
                value: reader.bytes()
              }

              obj.supersedes++

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

  export interface SiblingDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SiblingTombstoneFieldEvent {
    field: '$.tombstone'
    value: boolean
  }

  export interface SiblingTimestampFieldEvent {
    field: '$.timestamp'
    value: number
  }

  export interface SiblingWriteIdFieldEvent {
    field: '$.writeId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SiblingSupersedesFieldEvent {
    field: '$.supersedes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Sibling>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Sibling.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Sibling>): Sibling {
    return decodeMessage(buf, Sibling.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Sibling>): Generator<SiblingDataFieldEvent | SiblingTombstoneFieldEvent | SiblingTimestampFieldEvent | SiblingWriteIdFieldEvent | SiblingSupersedesFieldEvent> {
    return streamMessage(buf, Sibling.codec(), opts)
  }
}

export interface Entry {
  actor: string
  counter: bigint
  values: Sibling[]
}

export namespace Entry {
  let _codec: Codec<Entry>

  export const codec = (): Codec<Entry> => {
    if (_codec == null) {
      _codec = message<Entry>((obj, w, opts = {}) => {
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

        if (obj.values != null && obj.values.length > 0) {
          for (const value of obj.values) {
            w.uint32(26)
            Sibling.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          actor: '',
          counter: 0n,
          values: []
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
            case 3: {
              if (opts.limits?.values != null && obj.values.length === opts.limits.values) {
                throw new MaxLengthError('Decode error - repeated field "values" had too many elements')
              }

              obj.values.push(Sibling.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.values$
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
          values: 0
        }

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
            case 3: {
              if (opts.limits?.values != null && obj.values === opts.limits.values) {
                throw new MaxLengthError('Streaming decode error - repeated field "values" had too many elements')
              }

              for (const evt of Sibling.codec().stream(reader, reader.uint32(), `${prefix}.values[]`, {
                limits: opts.limits?.values$
              })) {
                yield {
                  ...evt,
                  index: obj.values
                }
              }

              obj.values++

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

  export interface EntryActorFieldEvent {
    field: '$.actor'
    value: string
  }

  export interface EntryCounterFieldEvent {
    field: '$.counter'
    value: bigint
  }

  export interface EntryValuesDataFieldEvent {
    field: '$.values[].data'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface EntryValuesTombstoneFieldEvent {
    field: '$.values[].tombstone'
    value: boolean
    index: number
  }

  export interface EntryValuesTimestampFieldEvent {
    field: '$.values[].timestamp'
    value: number
    index: number
  }

  export interface EntryValuesWriteIdFieldEvent {
    field: '$.values[].writeId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface EntryValuesSupersedesFieldEvent {
    field: '$.values[].supersedes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Entry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Entry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Entry>): Entry {
    return decodeMessage(buf, Entry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Entry>): Generator<EntryActorFieldEvent | EntryCounterFieldEvent | EntryValuesDataFieldEvent | EntryValuesTombstoneFieldEvent | EntryValuesTimestampFieldEvent | EntryValuesWriteIdFieldEvent | EntryValuesSupersedesFieldEvent> {
    return streamMessage(buf, Entry.codec(), opts)
  }
}

export interface Record {
  entries: Entry[]
  anonymous: Sibling[]
}

export namespace Record {
  let _codec: Codec<Record>

  export const codec = (): Codec<Record> => {
    if (_codec == null) {
      _codec = message<Record>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.entries != null && obj.entries.length > 0) {
          for (const value of obj.entries) {
            w.uint32(10)
            Entry.codec().encode(value, w)
          }
        }

        if (obj.anonymous != null && obj.anonymous.length > 0) {
          for (const value of obj.anonymous) {
            w.uint32(18)
            Sibling.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          entries: [],
          anonymous: []
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
              if (opts.limits?.anonymous != null && obj.anonymous.length === opts.limits.anonymous) {
                throw new MaxLengthError('Decode error - repeated field "anonymous" had too many elements')
              }

              obj.anonymous.push(Sibling.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.anonymous$
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
          entries: 0,
          anonymous: 0
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
              if (opts.limits?.anonymous != null && obj.anonymous === opts.limits.anonymous) {
                throw new MaxLengthError('Streaming decode error - repeated field "anonymous" had too many elements')
              }

              for (const evt of Sibling.codec().stream(reader, reader.uint32(), `${prefix}.anonymous[]`, {
                limits: opts.limits?.anonymous$
              })) {
                yield {
                  ...evt,
                  index: obj.anonymous
                }
              }

              obj.anonymous++

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

  export interface RecordEntriesActorFieldEvent {
    field: '$.entries[].actor'
    value: string
    index: number
  }

  export interface RecordEntriesCounterFieldEvent {
    field: '$.entries[].counter'
    value: bigint
    index: number
  }

  export interface RecordEntriesValuesDataFieldEvent {
    field: '$.entries[].values[].data'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RecordEntriesValuesTombstoneFieldEvent {
    field: '$.entries[].values[].tombstone'
    value: boolean
    index: number
  }

  export interface RecordEntriesValuesTimestampFieldEvent {
    field: '$.entries[].values[].timestamp'
    value: number
    index: number
  }

  export interface RecordEntriesValuesWriteIdFieldEvent {
    field: '$.entries[].values[].writeId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RecordEntriesValuesSupersedesFieldEvent {
    field: '$.entries[].values[].supersedes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface RecordAnonymousDataFieldEvent {
    field: '$.anonymous[].data'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RecordAnonymousTombstoneFieldEvent {
    field: '$.anonymous[].tombstone'
    value: boolean
    index: number
  }

  export interface RecordAnonymousTimestampFieldEvent {
    field: '$.anonymous[].timestamp'
    value: number
    index: number
  }

  export interface RecordAnonymousWriteIdFieldEvent {
    field: '$.anonymous[].writeId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RecordAnonymousSupersedesFieldEvent {
    field: '$.anonymous[].supersedes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Record>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Record.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Record>): Record {
    return decodeMessage(buf, Record.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Record>): Generator<RecordEntriesActorFieldEvent | RecordEntriesCounterFieldEvent | RecordEntriesValuesDataFieldEvent | RecordEntriesValuesTombstoneFieldEvent | RecordEntriesValuesTimestampFieldEvent | RecordEntriesValuesWriteIdFieldEvent | RecordEntriesValuesSupersedesFieldEvent | RecordAnonymousDataFieldEvent | RecordAnonymousTombstoneFieldEvent | RecordAnonymousTimestampFieldEvent | RecordAnonymousWriteIdFieldEvent | RecordAnonymousSupersedesFieldEvent> {
    return streamMessage(buf, Record.codec(), opts)
  }
}
