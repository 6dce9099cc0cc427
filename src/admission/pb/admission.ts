import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface CertificateBody {
  clusterKey: Uint8Array<ArrayBuffer>
  peer: string
  cluster: string
  issued: number
  expires: number
}

export namespace CertificateBody {
  let _codec: Codec<CertificateBody>

  export const codec = (): Codec<CertificateBody> => {
    if (_codec == null) {
      _codec = message<CertificateBody>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.clusterKey != null && obj.clusterKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.clusterKey)
        }

        if ((obj.peer != null && obj.peer !== '')) {
          w.uint32(18)
          w.string(obj.peer)
        }

        if ((obj.cluster != null && obj.cluster !== '')) {
          w.uint32(26)
          w.string(obj.cluster)
        }

        if ((obj.issued != null && obj.issued !== 0)) {
          w.uint32(33)
          w.double(obj.issued)
        }

        if ((obj.expires != null && obj.expires !== 0)) {
          w.uint32(41)
          w.double(obj.expires)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          clusterKey: uint8ArrayAlloc(0),
          peer: '',
          cluster: '',
          issued: 0,
          expires: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.clusterKey = reader.bytes()
              break
            }
            case 2: {
              obj.peer = reader.string()
              break
            }
            case 3: {
              obj.cluster = reader.string()
              break
            }
            case 4: {
              obj.issued = reader.double()
              break
            }
            case 5: {
              obj.expires = reader.double()
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
                field: `${prefix}.clusterKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.peer`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.cluster`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.issued`,
                value: reader.double()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.expires`,
                value: reader.double()
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

  export interface CertificateBodyClusterKeyFieldEvent {
    field: '$.clusterKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface CertificateBodyPeerFieldEvent {
    field: '$.peer'
    value: string
  }

  export interface CertificateBodyClusterFieldEvent {
    field: '$.cluster'
    value: string
  }

  export interface CertificateBodyIssuedFieldEvent {
    field: '$.issued'
    value: number
  }

  export interface CertificateBodyExpiresFieldEvent {
    field: '$.expires'
    value: number
  }

  export function encode (obj: Partial<CertificateBody>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CertificateBody.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CertificateBody>): CertificateBody {
    return decodeMessage(buf, CertificateBody.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CertificateBody>): Generator<CertificateBodyClusterKeyFieldEvent | CertificateBodyPeerFieldEvent | CertificateBodyClusterFieldEvent | CertificateBodyIssuedFieldEvent | CertificateBodyExpiresFieldEvent> {
    return streamMessage(buf, CertificateBody.codec(), opts)
  }
}

export interface RevocationBody {
  clusterKey: Uint8Array<ArrayBuffer>
  peer: string
  issued: number
}

export namespace RevocationBody {
  let _codec: Codec<RevocationBody>

  export const codec = (): Codec<RevocationBody> => {
    if (_codec == null) {
      _codec = message<RevocationBody>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.clusterKey != null && obj.clusterKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.clusterKey)
        }

        if ((obj.peer != null && obj.peer !== '')) {
          w.uint32(18)
          w.string(obj.peer)
        }

        if ((obj.issued != null && obj.issued !== 0)) {
          w.uint32(25)
          w.double(obj.issued)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          clusterKey: uint8ArrayAlloc(0),
          peer: '',
          issued: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.clusterKey = reader.bytes()
              break
            }
            case 2: {
              obj.peer = reader.string()
              break
            }
            case 3: {
              obj.issued = reader.double()
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
                field: `${prefix}.clusterKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.peer`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.issued`,
                value: reader.double()
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

  export interface RevocationBodyClusterKeyFieldEvent {
    field: '$.clusterKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RevocationBodyPeerFieldEvent {
    field: '$.peer'
    value: string
  }

  export interface RevocationBodyIssuedFieldEvent {
    field: '$.issued'
    value: number
  }

  export function encode (obj: Partial<RevocationBody>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RevocationBody.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RevocationBody>): RevocationBody {
    return decodeMessage(buf, RevocationBody.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RevocationBody>): Generator<RevocationBodyClusterKeyFieldEvent | RevocationBodyPeerFieldEvent | RevocationBodyIssuedFieldEvent> {
    return streamMessage(buf, RevocationBody.codec(), opts)
  }
}

export interface Signed {
  body: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace Signed {
  let _codec: Codec<Signed>

  export const codec = (): Codec<Signed> => {
    if (_codec == null) {
      _codec = message<Signed>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.body != null && obj.body.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.body)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          body: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.body = reader.bytes()
              break
            }
            case 2: {
              obj.signature = reader.bytes()
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
                field: `${prefix}.body`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signature`,
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

  export interface SignedBodyFieldEvent {
    field: '$.body'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Signed>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Signed.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Signed>): Signed {
    return decodeMessage(buf, Signed.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Signed>): Generator<SignedBodyFieldEvent | SignedSignatureFieldEvent> {
    return streamMessage(buf, Signed.codec(), opts)
  }
}

export interface RevocationList {
  revocations: Signed[]
}

export namespace RevocationList {
  let _codec: Codec<RevocationList>

  export const codec = (): Codec<RevocationList> => {
    if (_codec == null) {
      _codec = message<RevocationList>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.revocations != null && obj.revocations.length > 0) {
          for (const value of obj.revocations) {
            w.uint32(10)
            Signed.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          revocations: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.revocations != null && obj.revocations.length === opts.limits.revocations) {
                throw new MaxLengthError('Decode error - repeated field "revocations" had too many elements')
              }

              obj.revocations.push(Signed.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.revocations$
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
          revocations: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.revocations != null && obj.revocations === opts.limits.revocations) {
                throw new MaxLengthError('Streaming decode error - repeated field "revocations" had too many elements')
              }

              for (const evt of Signed.codec().stream(reader, reader.uint32(), `${prefix}.revocations[]`, {
                limits: opts.limits?.revocations$
              })) {
                yield {
                  ...evt,
                  index: obj.revocations
                }
              }

              obj.revocations++

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

  export interface RevocationListRevocationsBodyFieldEvent {
    field: '$.revocations[].body'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RevocationListRevocationsSignatureFieldEvent {
    field: '$.revocations[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<RevocationList>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RevocationList.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RevocationList>): RevocationList {
    return decodeMessage(buf, RevocationList.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RevocationList>): Generator<RevocationListRevocationsBodyFieldEvent | RevocationListRevocationsSignatureFieldEvent> {
    return streamMessage(buf, RevocationList.codec(), opts)
  }
}
