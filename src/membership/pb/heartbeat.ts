import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export enum MemberStatus {
  UP = 'UP',
  LEAVING = 'LEAVING'
}

enum __MemberStatusValues {
  UP = 0,
  LEAVING = 1
}

export namespace MemberStatus {
  export const codec = (): Codec<MemberStatus> => {
    return enumeration<MemberStatus>(__MemberStatusValues)
  }
}

export interface Heartbeat {
  peer: string
  addrs: Uint8Array<ArrayBuffer>[]
  capacity: number
  incarnation: number
  status: MemberStatus
  zone: string
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
          zone: ''
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
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          addrs: 0
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

  export function encode (obj: Partial<Heartbeat>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Heartbeat.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Heartbeat>): Heartbeat {
    return decodeMessage(buf, Heartbeat.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Heartbeat>): Generator<HeartbeatPeerFieldEvent | HeartbeatAddrsFieldEvent | HeartbeatCapacityFieldEvent | HeartbeatIncarnationFieldEvent | HeartbeatStatusFieldEvent | HeartbeatZoneFieldEvent> {
    return streamMessage(buf, Heartbeat.codec(), opts)
  }
}
